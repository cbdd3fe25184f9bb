package io.labctl.pulumi.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import io.labctl.api.ApiException;
import io.labctl.api.Sealer;
import io.labctl.api.environments.Environments;
import io.labctl.api.kube.ClusterKubeconfigs;
import io.labctl.api.repository.BundleRepository;
import io.labctl.api.repository.RepositoryUsage;
import io.labctl.api.web.Caller;
import io.labctl.persistence.Database;
import io.labctl.persistence.Schema;
import io.labctl.persistence.Sessions;
import io.labctl.protocol.InvalidInput;
import io.labctl.protocol.Json;
import io.labctl.protocol.Names;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import io.labctl.protocol.apps.AppDescriptor;
import io.labctl.protocol.apps.AppInputs;
import io.labctl.protocol.apps.AppRelease;
import io.labctl.protocol.apps.AppRequest;
import io.labctl.protocol.apps.AppRevision;
import io.labctl.protocol.apps.AppSummary;
import io.labctl.protocol.environments.EnvironmentInfo;
import io.labctl.protocol.modules.RepoEntry;
import io.labctl.protocol.pulumi.PulumiRun;
import io.labctl.pulumi.engine.Operation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Apps in environments, as Helm keeps releases: each install, upgrade, rollback and uninstall is a numbered revision
 * recorded with the run that does it (in the transaction that takes the stack's lock, so revisions of one stack never
 * interleave). An app's jar comes from labd's bundle repository; its program runs in the engine's Java language host
 * (its own process, never labd's JVM). Inputs are checked against app.yaml before anything runs, every bad one named;
 * secret inputs are sealed with the master key, set as secret stack config and never shown again.
 *
 * <p>Decisions: an upgrade keeps the inputs given before and applies the new ones over them (Helm's
 * {@code --reuse-values}; an operator who upgrades a version does not retype a password); inputs not given are left to
 * the program (values.yaml, then app.yaml's defaults of the version that runs), so a new version's defaults apply. A
 * rollback re-runs a revision's version with that revision's inputs. A stack is an app's or programs', never both.
 */
@Component(service = {AppService.class, RepositoryUsage.class})
public final class AppService implements RepositoryUsage {
    private static final Pattern APP_NAME = Pattern.compile("[a-z0-9-]{1,63}");
    private static final TypeReference<Map<String, Object>> VALUES = new TypeReference<>() {};
    private static final TypeReference<Map<String, String>> SECRETS = new TypeReference<>() {};
    private static final int MAX_REVISIONS = 1000;
    private static final int MAX_LISTED = 10_000;
    private static final String PROGRAM_JAR = "app.jar";
    static final String KUBECONFIG = "kubernetes:kubeconfig";

    private final RunService runs;
    private final BundleRepository repository;
    private final Sealer sealer;
    private final Sessions sessions;
    /** app.yaml and values.yaml of the jars read so far, by SHA-256 (repository entries never change). */
    private final Map<String, AppPackage> packages = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile Environments environments;

    /** Registered clusters (labd-kube); without it, installs to a cluster are refused and the rest works. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ClusterKubeconfigs clusters;

    @Activate
    public AppService(@Reference RunService runs, @Reference BundleRepository repository, @Reference Sealer sealer,
                      @Reference Database database, @Reference(target = "(labctl.schema=pulumi)") Schema schema) {
        this(runs, repository, sealer, database);
    }

    AppService(RunService runs, BundleRepository repository, Sealer sealer, Database database) {
        this.runs = runs;
        this.repository = repository;
        this.sealer = sealer;
        this.sessions = database.sessions(AppMapper.class);
    }

    /** The apps in the repository, with their installs in the environments the caller may read. */
    public List<AppSummary> list(Caller caller) {
        return list(caller::may);
    }

    /** As {@link #list(Caller)}, for whoever {@code may} decides for (the shell's user). */
    public List<AppSummary> list(java.util.function.Predicate<Permission> may) {
        Map<String, List<RepoEntry>> apps = repository.list().stream().filter(e -> RepoEntry.APP.equals(e.kind()))
                .collect(Collectors.groupingBy(RepoEntry::name, TreeMap::new, Collectors.toList()));
        Map<String, List<AppMapper.RevisionRow>> byApp = sessions.mapper(AppMapper.class, m -> m.all(null, MAX_LISTED))
                .stream().collect(Collectors.groupingBy(r -> r.app, LinkedHashMap::new, Collectors.toList()));
        List<AppSummary> out = new ArrayList<>();
        apps.forEach((name, versions) -> {
            String description = versions.isEmpty() ? null : describe(versions.get(0));
            out.add(new AppSummary(name, description, versions.stream().map(RepoEntry::version).toList(),
                    releases(may, byApp.getOrDefault(name, List.of()))));
        });
        return out;
    }

    private String describe(RepoEntry newest) {
        try {
            return load(newest).descriptor().description();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private List<AppRelease> releases(java.util.function.Predicate<Permission> may, List<AppMapper.RevisionRow> rows) {
        Map<String, List<AppMapper.RevisionRow>> byEnv = rows.stream()
                .collect(Collectors.groupingBy(r -> r.environment, TreeMap::new, Collectors.toList()));
        List<AppRelease> out = new ArrayList<>();
        byEnv.forEach((env, revisions) -> {
            if (may.test(RunService.on(Action.READ, revisions.get(0).cloud, env))) {
                out.add(release(revisions));
            }
        });
        return out;
    }

    /** The app in the environment (404 when it was never installed there). */
    public AppRelease status(Caller caller, String app, String environment) {
        return release(revisions(caller, app, environment));
    }

    /** Every revision of the app in the environment, newest first. */
    public List<AppRevision> history(Caller caller, String app, String environment) {
        return revisions(caller, app, environment).stream().map(this::revision).toList();
    }

    private List<AppMapper.RevisionRow> revisions(Caller caller, String app, String environment) {
        String name = appName(app);
        EnvironmentInfo env = environment(environment);
        caller.require(RunService.on(Action.READ, env.cloud(), env.name()));
        List<AppMapper.RevisionRow> rows = sessions.mapper(AppMapper.class,
                m -> m.revisions(name, env.name(), MAX_REVISIONS));
        if (rows.isEmpty()) {
            throw ApiException.notFound("app-not-installed", "app " + name + " has never been installed in "
                    + env.name() + " (labctl apps list shows where apps are)");
        }
        return rows;
    }

    /** Starts an install, upgrade, rollback or uninstall; the answer is the running run. */
    public PulumiRun act(Caller caller, String app, String verb, AppRequest request) {
        if (request == null) {
            throw ApiException.badRequest("missing-body", "send a JSON request: environment, and values, sets, version,"
                    + " revision or dryRun as the verb takes them");
        }
        String name = appName(app);
        EnvironmentInfo env = environment(request.environment());
        String kind = switch (verb == null ? "" : verb) {
            case AppRequest.INSTALL, AppRequest.UPGRADE, AppRequest.ROLLBACK, AppRequest.UNINSTALL -> verb;
            default -> throw ApiException.notFound("unknown-verb", "apps take install, upgrade, rollback or"
                    + " uninstall, not '" + verb + "'");
        };
        boolean plan = request.dryRun();
        if (plan && !AppRequest.UPGRADE.equals(kind) && !AppRequest.INSTALL.equals(kind)) {
            throw ApiException.badRequest("invalid-request", "only an install and an upgrade have a dry run (a"
                    + " rollback's plan is the revision's own; an uninstall asks first)");
        }
        if (request.values().size() + request.sets().size() > AppRequest.MAX_VALUES) {
            throw ApiException.badRequest("too-many-values", "at most " + AppRequest.MAX_VALUES + " input values");
        }
        String runKind = plan ? PulumiRun.PLAN : kind;
        caller.require(RunService.on(RunService.action(runKind), env.cloud(), env.name()));

        List<AppMapper.RevisionRow> history = sessions.mapper(AppMapper.class,
                m -> m.revisions(name, env.name(), MAX_REVISIONS));
        AppMapper.RevisionRow deployed = deployed(history);
        AppMapper.RevisionRow last = history.isEmpty() ? null : history.get(0);
        Map<String, Object> given = new TreeMap<>();
        Map<String, String> secrets = new TreeMap<>();
        String version = request.version();
        Integer rollbackOf = null;
        String cluster = blankToNull(request.cluster());
        if (cluster != null) {
            try {
                io.labctl.protocol.kube.ClusterInfo.requireName(cluster);
            } catch (InvalidInput e) {
                throw ApiException.badRequest(e.code(), e.getMessage());
            }
        }
        switch (kind) {
            case AppRequest.INSTALL -> {
                if (deployed != null) {
                    throw ApiException.conflict("app-installed", "app " + name + " is installed in " + env.name()
                            + " (revision " + deployed.revision + ", version " + deployed.version + "): use labctl apps"
                            + " upgrade " + name + " --env " + env.name());
                }
            }
            case AppRequest.UPGRADE -> {
                requireInstalled(name, env, deployed);
                cluster = sameCluster(cluster, deployed);
                given.putAll(values(deployed));
                secrets.putAll(secrets(deployed));
            }
            case AppRequest.ROLLBACK -> {
                requireNoValues(request, "a rollback runs the revision's inputs as they were");
                AppMapper.RevisionRow target = target(name, env, history, request.revision());
                requireInstalled(name, env, deployed);
                version = target.version;
                cluster = sameCluster(cluster, target);
                given.putAll(values(target));
                secrets.putAll(secrets(target));
                rollbackOf = target.revision;
            }
            default -> { // uninstall
                requireNoValues(request, "an uninstall destroys what the app deployed");
                AppMapper.RevisionRow from = deployed != null ? deployed : last;
                if (from == null || AppRequest.UNINSTALL.equals(from.kind) && PulumiRun.SUCCEEDED.equals(from.status)) {
                    throw notInstalled(name, env);
                }
                version = from.version;
                cluster = sameCluster(cluster, from);
                given.putAll(values(from));
                secrets.putAll(secrets(from));
            }
        }
        String kubeconfig = null;
        if (cluster != null) {
            caller.require(Permission.on(RunService.action(runKind), env.cloud(), env.name(), Permission.CLUSTER + cluster));
            kubeconfig = kubeconfig(cluster, env);
        }
        AppPackage pkg = load(entry(name, version));
        AppDescriptor descriptor = pkg.descriptor();
        if (!AppRequest.UNINSTALL.equals(kind)) {
            for (String p : descriptor.permissions()) {
                caller.require(permission(p, env, cluster));
            }
        }
        applyGiven(descriptor, request, given, secrets);
        // inputs an earlier version had and this one does not are dropped, not handed to a program that never reads them
        given.keySet().retainAll(descriptor.inputs().keySet());
        secrets.keySet().retainAll(descriptor.inputs().keySet());
        Map<String, Object> all = new TreeMap<>(given);
        all.putAll(secrets);
        AppInputs.Resolved resolved = AppInputs.resolve(descriptor, pkg.values(),
                k -> Optional.ofNullable(all.get(k)));
        if (!resolved.ok()) {
            throw ApiException.badRequest("invalid-inputs", "app " + name + " " + descriptor.version() + ": "
                    + String.join("; ", resolved.problems()));
        }
        Map<String, String> config = new TreeMap<>();
        given.forEach((k, v) -> config.put(name + ":" + k, text(v)));
        secrets.forEach((k, v) -> config.put(name + ":" + k, v));
        Set<String> secretKeys = secrets.keySet().stream().map(k -> name + ":" + k)
                .collect(Collectors.toCollection(TreeSet::new));
        if (kubeconfig != null) {
            // Pulumi's Kubernetes provider reads its cluster from this key; secret, so the engine encrypts and masks it
            config.put(KUBECONFIG, kubeconfig);
            secretKeys.add(KUBECONFIG);
        }
        String onCluster = cluster;
        String coordinates = name + "/" + descriptor.version();
        String sha256 = pkg.sha256();
        Integer rollback = rollbackOf;
        int seen = last == null ? 0 : last.revision;
        RunService.ProgramFiles files = folder -> {
            try (InputStream jar = repository.open(name, descriptor.version())) {
                RunService.writeAtomically(folder, PROGRAM_JAR, jar);
            }
            RunService.writeAtomically(folder, "Pulumi.yaml", project(name, descriptor).getBytes(StandardCharsets.UTF_8));
        };
        return runs.launch(caller, new RunService.Launch(runKind, RunService.operation(runKind), env, name, name,
                name + "@" + descriptor.version(), sha256, files, config, secretKeys, row -> {
                    if (plan) {
                        return;
                    }
                    AppMapper.RevisionRow r = new AppMapper.RevisionRow();
                    r.app = name;
                    r.environment = env.name();
                    r.revision = sessions.mapper(AppMapper.class, m -> m.nextRevision(name, env.name()));
                    // decided on the history read before the stack's lock was taken: a revision recorded since
                    // (a verb that ended in between) would make that decision stale, so this one is refused whole
                    if (r.revision != seen + 1) {
                        throw ApiException.conflict("app-changed", "app " + name + " in " + env.name() + " got"
                                + " revision " + (r.revision - 1) + " while this request was prepared: look at"
                                + " labctl apps history " + name + " --env " + env.name() + " and try again");
                    }
                    r.kind = kind;
                    r.version = descriptor.version();
                    r.digest = sha256;
                    r.cluster = onCluster;
                    r.inputValues = json(given);
                    r.secretKeys = String.join(",", secrets.keySet());
                    r.secretValues = secrets.isEmpty() ? null : sealer.seal(json(secrets).getBytes(
                            StandardCharsets.UTF_8), purpose(name, env.name()));
                    r.rollbackOf = rollback;
                    r.runId = row.id;
                    r.username = row.username;
                    sessions.mapper(AppMapper.class, m -> m.insert(r));
                }));
    }

    /** The request's values over what an upgrade keeps: unknown inputs and secrets on the command line refused. */
    private static void applyGiven(AppDescriptor descriptor, AppRequest request, Map<String, Object> given,
                                   Map<String, String> secrets) {
        List<String> problems = new ArrayList<>();
        Set<String> named = new TreeSet<>(request.values().keySet());
        named.addAll(request.sets().keySet());
        for (String unknown : AppInputs.unknown(descriptor, named)) {
            problems.add(unknown + " is not an input of app " + descriptor.name() + " " + descriptor.version()
                    + " (its inputs: " + String.join(", ", descriptor.inputs().keySet()) + ")");
        }
        Map<String, Object> values = new TreeMap<>(request.values());
        values.putAll(request.sets());
        values.forEach((key, value) -> {
            AppDescriptor.Input input = descriptor.inputs().get(key);
            if (input == null) {
                return;
            }
            if (input.secret()) {
                if (request.sets().containsKey(key)) {
                    problems.add("input " + key + " is secret: give it in a file (-f secrets.yaml), not with --set,"
                            + " which leaves it in shell history and process lists");
                } else if (!(value instanceof String s) || s.isEmpty()) {
                    problems.add("input " + key + " is secret and must be a non-empty string");
                } else {
                    secrets.put(key, s);
                    given.remove(key);
                }
            } else {
                Object typed = AppInputs.coerce(input.type(), value, "input " + key, problems);
                if (typed != null) {
                    given.put(key, typed);
                    secrets.remove(key);
                }
            }
        });
        if (!problems.isEmpty()) {
            throw ApiException.badRequest("invalid-inputs", "app " + descriptor.name() + " " + descriptor.version()
                    + ": " + String.join("; ", problems));
        }
    }

    /** The project file: the app's jar run by the engine's Java language host ({@code java -jar app.jar}). */
    private static String project(String name, AppDescriptor descriptor) {
        return "name: " + name + "\n"
                + "description: " + quoted(descriptor.description()) + "\n"
                + "runtime:\n  name: java\n  options:\n    binary: " + PROGRAM_JAR + "\n";
    }

    private static String quoted(String text) {
        return json(text == null ? "" : text.replaceAll("\\s+", " ").strip());  // a JSON string is a YAML scalar
    }

    private static void requireInstalled(String name, EnvironmentInfo env, AppMapper.RevisionRow deployed) {
        if (deployed == null) {
            throw notInstalled(name, env);
        }
    }

    private static ApiException notInstalled(String name, EnvironmentInfo env) {
        return ApiException.conflict("app-not-installed", "app " + name + " is not installed in " + env.name()
                + ": install it first (labctl apps install " + name + " --env " + env.name() + ")");
    }

    private static void requireNoValues(AppRequest request, String why) {
        if (!request.values().isEmpty() || !request.sets().isEmpty() || request.version() != null) {
            throw ApiException.badRequest("invalid-request", "no values or version here: " + why);
        }
    }

    private static AppMapper.RevisionRow target(String name, EnvironmentInfo env, List<AppMapper.RevisionRow> history,
                                                Integer revision) {
        if (revision == null || revision < 1) {
            throw ApiException.badRequest("invalid-revision", "give the revision to return to, a positive number"
                    + " (labctl apps history " + name + " --env " + env.name() + " lists them)");
        }
        AppMapper.RevisionRow target = history.stream().filter(r -> r.revision == revision).findFirst()
                .orElseThrow(() -> ApiException.notFound("revision-not-found", "app " + name + " in " + env.name()
                        + " has no revision " + revision + " (labctl apps history " + name + " --env " + env.name()
                        + ")"));
        if (AppRequest.UNINSTALL.equals(target.kind)) {
            throw ApiException.badRequest("invalid-revision", "revision " + revision + " is an uninstall: roll back to"
                    + " an install, upgrade or rollback");
        }
        return target;
    }

    /** The revision in force: the newest that succeeded, unless that is an uninstall. */
    static AppMapper.RevisionRow deployed(List<AppMapper.RevisionRow> newestFirst) {
        for (AppMapper.RevisionRow r : newestFirst) {
            if (PulumiRun.SUCCEEDED.equals(r.status)) {
                return AppRequest.UNINSTALL.equals(r.kind) ? null : r;
            }
        }
        return null;
    }

    private AppRelease release(List<AppMapper.RevisionRow> newestFirst) {
        AppMapper.RevisionRow last = newestFirst.get(0);
        AppMapper.RevisionRow deployed = deployed(newestFirst);
        String status = PulumiRun.RUNNING.equals(last.status) ? AppRelease.RUNNING
                : !PulumiRun.SUCCEEDED.equals(last.status) ? AppRelease.FAILED
                : AppRequest.UNINSTALL.equals(last.kind) ? AppRelease.UNINSTALLED : AppRelease.DEPLOYED;
        Integer resources = null;
        Map<String, String> outputs = null;
        if (deployed != null) {
            Map<String, Integer> changes = read(deployed.changes, RunService.CHANGES);
            resources = changes == null ? null : changes.entrySet().stream()
                    .filter(e -> !"delete".equals(e.getKey())).mapToInt(Map.Entry::getValue).sum();
            outputs = read(deployed.outputs, RunService.OUTPUTS);
        }
        return new AppRelease(last.app, last.environment, last.cloud, last.cluster, status,
                deployed == null ? null : revision(deployed), revision(last), resources, outputs);
    }

    private AppRevision revision(AppMapper.RevisionRow r) {
        Map<String, String> shown = new TreeMap<>();
        values(r).forEach((k, v) -> shown.put(k, text(v)));
        for (String k : secretKeys(r)) {
            shown.put(k, AppRevision.MASK);
        }
        return new AppRevision(r.revision, r.kind, r.version, r.digest, r.cluster, r.status, r.runId, r.username,
                r.createdAt, r.rollbackOf, shown);
    }

    @Override
    public Optional<String> usedBy(String name, String version) {
        List<AppMapper.RevisionRow> rows = sessions.mapper(AppMapper.class, m -> m.all(name, MAX_LISTED));
        Map<String, List<AppMapper.RevisionRow>> byEnv = rows.stream()
                .collect(Collectors.groupingBy(r -> r.environment, TreeMap::new, Collectors.toList()));
        List<String> uses = new ArrayList<>();
        byEnv.forEach((env, revisions) -> {
            AppMapper.RevisionRow d = deployed(revisions);
            if (d != null && d.version.equals(version)) {
                uses.add("app " + name + " deployed in " + env + " (revision " + d.revision + ")");
            }
        });
        return uses.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", uses));
    }

    private RepoEntry entry(String name, String version) {
        Optional<RepoEntry> entry = repository.find(name, version == null || version.isBlank() ? null : version);
        if (entry.isEmpty()) {
            throw ApiException.notFound("app-not-found", version == null ? "no app " + name + " in labd's repository"
                    + " (labctl apps list shows the apps; labctl repo push NAME.jar adds one)"
                    : "app " + name + " has no version " + version + " in labd's repository (labctl apps list shows"
                    + " its versions)");
        }
        if (!RepoEntry.APP.equals(entry.get().kind())) {
            throw ApiException.badRequest("not-an-app", entry.get().coordinates() + " in labd's repository is a "
                    + entry.get().kind() + ", not an app");
        }
        return entry.get();
    }

    private AppPackage load(RepoEntry entry) {
        AppPackage known = packages.get(entry.sha256());
        if (known != null) {
            return known;
        }
        try (InputStream in = repository.open(entry.name(), entry.version())) {
            AppPackage pkg = AppPackage.read(in, entry.coordinates(), entry.sha256());
            packages.put(entry.sha256(), pkg);
            return pkg;
        } catch (IOException e) {
            throw ApiException.unavailable("repository-unreadable", "labd could not read " + entry.coordinates()
                    + " from its repository: " + e.getMessage());
        }
    }

    /**
     * An app.yaml permission with the install's cloud, environment and cluster in place of its placeholders (without a
     * cluster, {@code cluster/<cluster>} asks for every cluster of the environment).
     */
    private static Permission permission(String template, EnvironmentInfo env, String cluster) {
        String text = template.replace("<cloud>", env.cloud()).replace("<env>", env.name())
                .replace("cluster/<cluster>", "cluster/" + (cluster == null ? "*" : cluster));
        return Permission.parse(text);
    }

    private String kubeconfig(String cluster, EnvironmentInfo env) {
        ClusterKubeconfigs store = clusters;
        if (store == null) {
            throw ApiException.unavailable("kube-unavailable", "labd's Kubernetes capability (labd-kube) is not"
                    + " running, so no cluster can be deployed to: start it, or leave --cluster out");
        }
        return store.kubeconfig(cluster, env.name()).orElseThrow(() -> ApiException.notFound("cluster-not-found",
                "no cluster " + cluster + " is registered in environment " + env.name() + " (labctl clusters list)"));
    }

    /** The cluster a later verb deploys to: the revision's; naming another is refused, not silently ignored. */
    private static String sameCluster(String asked, AppMapper.RevisionRow revision) {
        if (asked != null && !asked.equals(revision.cluster)) {
            throw ApiException.badRequest("cluster-fixed", "app " + revision.app + " in " + revision.environment
                    + " deploys to " + (revision.cluster == null ? "no registered cluster" : "cluster " + revision.cluster)
                    + " (revision " + revision.revision + "): leave --cluster out, or uninstall and install again");
        }
        return revision.cluster;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private EnvironmentInfo environment(String name) {
        try {
            Names.require("env", name);
        } catch (InvalidInput e) {
            throw ApiException.badRequest(e.code(), e.getMessage());
        }
        return Environments.present(environments).require(name);
    }

    private static String appName(String app) {
        if (app == null || !APP_NAME.matcher(app).matches()) {
            throw ApiException.badRequest("invalid-app", "'" + app + "' is not an app name: 1 to 63 lower-case letters,"
                    + " digits and '-' (labctl apps list shows the apps)");
        }
        return app;
    }

    private Map<String, Object> values(AppMapper.RevisionRow r) {
        Map<String, Object> v = read(r.inputValues, VALUES);
        return v == null ? Map.of() : v;
    }

    private Map<String, String> secrets(AppMapper.RevisionRow r) {
        if (r.secretValues == null) {
            return Map.of();
        }
        byte[] opened = sealer.open(r.secretValues, purpose(r.app, r.environment));
        return read(new String(opened, StandardCharsets.UTF_8), SECRETS);
    }

    private static List<String> secretKeys(AppMapper.RevisionRow r) {
        return r.secretKeys == null || r.secretKeys.isEmpty() ? List.of() : List.of(r.secretKeys.split(","));
    }

    private static String purpose(String app, String environment) {
        return "app-secrets:" + app + "/" + environment;
    }

    /** A value as stack config text: strings as they are, numbers and booleans as written, objects as JSON. */
    private static String text(Object value) {
        return value instanceof String s ? s : json(value);
    }

    private static <T> T read(String json, TypeReference<T> type) {
        return RunService.read(json, type);
    }

    private static String json(Object value) {
        return RunService.json(value);
    }
}
