package io.labctl.sources.internal;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.audit.AuditWriter;
import io.labctl.api.repository.BundleRepository;
import io.labctl.persistence.Database;
import io.labctl.persistence.Schema;
import io.labctl.persistence.Sessions;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.access.Permission;
import io.labctl.protocol.apps.AppDescriptor;
import io.labctl.protocol.modules.RepoEntry;
import io.labctl.protocol.sources.BuildInfo;
import io.labctl.protocol.sources.SourceInfo;
import io.labctl.protocol.sources.SourceSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Custom modules from git: {@code modules add} and {@code modules update} record a build and run it in the
 * background, one at a time: clone (JGit) → the build's own Maven repository (labd's cache and API artifacts,
 * linked) → {@code mvn -o verify} in the {@link Sandbox} (the module's own tests run; a module where none ran is
 * refused) → one module jar whose module.yaml names the module → the repository's push checks (manifest, module.yaml,
 * API range) and its atomic store. A failure at any step publishes nothing; the build's row keeps its log
 * ({@code labctl logs build/ID}), the step and why. The source (URL, ref, credential, commit, version) is recorded
 * only when a build published.
 */
@Component(service = BuildService.class, configurationPid = "io.labctl.sources",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = SourcesConfig.class)
public final class BuildService {
    static final Permission ADMIN = Permission.everywhere(Action.ADMIN);
    static final Permission READ = Permission.everywhere(Action.READ);
    static final String SOURCE = "labd";
    private static final Pattern TESTS = Pattern.compile("<testsuite\\b[^>]*?\\btests=\"(\\d+)\"[^>]*?>", Pattern.DOTALL);
    private static final Pattern SKIPPED = Pattern.compile("\\bskipped=\"(\\d+)\"");
    private static final Pattern YAML_NAME = Pattern.compile("(?m)^name:\\s*[\"']?([^\"'\\s#]+)");
    private static final Pattern REF = Pattern.compile("[A-Za-z0-9._/+-]{1,255}");

    private final Sessions sessions;
    private final CredentialService credentials;
    private final BundleRepository repository;
    private final AuditWriter audit;
    private final BuildSettings settings;
    private final ExecutorService builds = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "labd-module-build");
        t.setDaemon(true);
        return t;
    });

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile AccessDecisions decisions;

    @Activate
    public BuildService(@Reference Database database, @Reference(target = "(labctl.schema=sources)") Schema schema,
            @Reference CredentialService credentials, @Reference BundleRepository repository,
            @Reference AuditWriter audit, SourcesConfig config) {
        this(database, credentials, repository, audit, BuildSettings.of(config));
    }

    BuildService(Database database, CredentialService credentials, BundleRepository repository, AuditWriter audit,
            BuildSettings settings) {
        this.sessions = database.sessions(SourcesMapper.class);
        this.credentials = credentials;
        this.repository = repository;
        this.audit = audit;
        this.settings = settings;
    }

    @Deactivate
    void stop() throws InterruptedException {
        builds.shutdownNow();   // a running build is interrupted: its sandbox is killed, it ends failed
        builds.awaitTermination(30, TimeUnit.SECONDS);
    }

    // ---------------------------------------------------------------- the verbs

    /** {@code modules add}: validates, records a build and starts it; the answer is the build as it starts. */
    public BuildInfo add(Identity caller, SourceSpec spec) {
        access().require(caller, ADMIN);
        if (spec == null) {
            throw ApiException.badRequest("missing-body", "send a JSON source: name, url, ref, credential");
        }
        String name = moduleName(spec.name());
        String kind = kind(spec.kind());
        String url;
        try {
            url = GitFetch.requireUrl(spec.url());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-git-url", e.getMessage());
        }
        String ref = ref(spec.ref());
        String credential = blankToNull(spec.credential());
        if (credential != null) {
            credentials.requireExists(credential);
        }
        SourceRow existing = sessions.mapper(SourcesMapper.class, m -> m.source(name));
        if (existing != null) {
            throw ApiException.conflict("source-exists", existing.kind + " " + name + " comes from " + existing.url
                    + " already: rebuild it with 'labctl " + existing.kind + "s update " + name + "'");
        }
        return start(caller, name, kind, url, ref, credential, true);
    }

    /** {@code modules update}: fetches the source's ref again, rebuilds and publishes the new version. */
    public BuildInfo update(Identity caller, String module) {
        access().require(caller, ADMIN);
        String name = moduleName(module);
        SourceRow s = sessions.mapper(SourcesMapper.class, m -> m.source(name));
        if (s == null) {
            throw ApiException.notFound("source-not-found", "module " + name + " was not added from git; see 'labctl"
                    + " modules sources', or add it with 'labctl modules add " + name + " --git URL'");
        }
        return start(caller, name, s.kind, s.url, s.ref, s.credential, false);
    }

    /**
     * {@code delete source/NAME}: labd forgets where the module comes from (no more {@code modules update}); the
     * versions it published stay in the repository and on the servers they were applied to, and its builds' logs
     * stay readable. Refused while a build of it runs, which would record the source again when it publishes.
     */
    public SourceInfo remove(Identity caller, String module) {
        access().require(caller, ADMIN);
        String name = moduleName(module);
        return sessions.mapper(SourcesMapper.class, m -> {
            SourceRow s = m.source(name);
            if (s == null) {
                throw ApiException.notFound("source-not-found", "module " + name + " was not added from git; see"
                        + " 'labctl modules sources'");
            }
            BuildRow last = m.lastBuild(name);
            if (m.deleteSource(name) == 0) {
                throw ApiException.conflict("build-running", "module " + name + " is being built (build "
                        + (last == null ? "?" : last.id) + "): wait for it ('labctl logs build/"
                        + (last == null ? "ID" : last.id) + "'), then remove the source");
            }
            return info(s, last);
        });
    }

    public List<SourceInfo> sources(Identity caller) {
        access().require(caller, READ);
        return sessions.mapper(SourcesMapper.class, m -> m.sources().stream().map(s -> info(s, m.lastBuild(s.name)))
                .toList());
    }

    private static SourceInfo info(SourceRow s, BuildRow last) {
        return new SourceInfo(s.name, s.url, s.ref, s.credential, s.commitId, s.version, s.addedBy, s.addedAt,
                s.updatedBy, s.updatedAt, last == null ? null : last.id, last == null ? null : last.state, s.kind);
    }

    /** A build by id or unique prefix (6 or more hex digits), with its log. */
    public BuildInfo build(Identity caller, String id) {
        access().require(caller, READ);
        String clean = id == null ? "" : id.strip().toLowerCase(Locale.ROOT);
        if (!clean.matches("[0-9a-f-]{6,36}")) {
            throw ApiException.badRequest("invalid-build-id", "build id '" + id + "' is not valid: give the id (or its"
                    + " first 6 or more characters) that 'labctl modules add' or 'modules sources' printed");
        }
        List<BuildRow> rows = sessions.mapper(SourcesMapper.class, m -> m.buildsByPrefix(clean + "%"));
        if (rows.isEmpty()) {
            throw ApiException.notFound("build-not-found", "no build " + id + "; 'labctl modules sources' shows the"
                    + " last build of each module");
        }
        if (rows.size() > 1) {
            throw ApiException.badRequest("ambiguous-build-id", "build id " + id + " starts more than one build: give"
                    + " more of it");
        }
        return info(sessions.mapper(SourcesMapper.class, m -> m.build(rows.get(0).id)));
    }

    // ---------------------------------------------------------------- the build

    private BuildInfo start(Identity caller, String name, String kind, String url, String ref, String credential,
                            boolean adding) {
        BuildRow row = new BuildRow();
        row.id = UUID.randomUUID().toString();
        row.module = name;
        row.kind = kind;
        row.url = url;
        row.ref = ref;
        row.credential = credential;
        row.startedBy = auditName(caller);
        // a build no labd can still be running (past every limit) was cut by a stop: it must not block this one
        long longest = settings.timeout().toSeconds() + settings.cloneTimeout().toSeconds() + 600;
        sessions.mapper(SourcesMapper.class, m -> m.expireRunning(longest));
        if (sessions.mapper(SourcesMapper.class, m -> m.insertBuild(row)) == 0) {
            BuildRow running = sessions.mapper(SourcesMapper.class, m -> m.lastBuild(name));
            throw ApiException.conflict("build-running", "module " + name + " is being built already (build "
                    + (running == null ? "?" : running.id) + "): wait for it ('labctl logs build/"
                    + (running == null ? "ID" : running.id) + "')");
        }
        builds.execute(() -> run(caller, row, adding));
        return info(sessions.mapper(SourcesMapper.class, m -> m.build(row.id)));
    }

    /** A failure at one step: what the build row and the audit row say. */
    static final class StepFailure extends Exception {
        final String step;

        StepFailure(String step, String message) {
            super(message);
            this.step = step;
        }
    }

    void run(Identity caller, BuildRow row, boolean adding) {
        if (!committed(row.id)) {
            return;   // the request that recorded it was rolled back: there is no build to run
        }
        long started = System.nanoTime();
        BuildLog log = new BuildLog(sessions, row.id, settings.maxLogBytes());
        Path work = settings.workDirectory().resolve(row.id);
        BuildRow end = new BuildRow();
        end.id = row.id;
        try {
            String commit = null;
            try {
                Files.createDirectories(settings.workDirectory());
                reachable(settings.workDirectory());
                Files.createDirectory(work);
                give(work);
                Files.createDirectories(work.resolve("home"));
                give(work.resolve("home"));
                CredentialService.Opened secret = row.credential == null ? null : credentials.open(row.credential);
                GitFetch.Checkout checkout;
                try {
                    GitFetch.Access access;
                    try {
                        access = GitFetch.access(row.url, secret, settings.knownHosts());
                    } catch (IllegalArgumentException e) {
                        throw new StepFailure("clone", e.getMessage());
                    }
                    checkout = GitFetch.fetch(row.url, row.ref, access, work.resolve("src"),
                            settings.cloneTimeout(), log::labd);
                } catch (GitFetch.FetchException e) {
                    throw new StepFailure("clone", e.getMessage());
                }
                commit = checkout.commit();
                String c = commit;
                sessions.mapper(SourcesMapper.class, m -> m.setCommit(row.id, c));
                giveTree(work.resolve("src"));
                LinkFarm.Made farm = LinkFarm.make(settings.repositories(), work.resolve("m2"), this::give);
                List<Path> used = settings.repositories().stream().filter(r -> !farm.missing().contains(r)).toList();
                log.labd("the build's Maven repository: " + farm.files() + " files from " + used
                        + " (read-only to the build; Maven runs offline)");
                if (!farm.missing().isEmpty()) {
                    log.labd("not there, left out: " + farm.missing() + " (etc/io.labctl.sources.cfg, repositories)");
                }
                Files.writeString(work.resolve("settings.xml"), "<settings><localRepository>" + Sandbox.BUILD
                        + "/m2</localRepository><offline>true</offline></settings>\n");
                give(work.resolve("settings.xml"));
                log.flush();
                Sandbox sandbox = new Sandbox(settings);
                log.labd("build: " + String.join(" ", sandbox.maven()));
                Sandbox.Result result = sandbox.run(work, sandbox.maven(), row.id.substring(0, 8), log);
                log.labd("sandbox: " + result.limits());
                Path src = work.resolve("src");
                if (result.timedOut()) {
                    throw new StepFailure("build", "the build ran past its time limit of "
                            + settings.timeout().toSeconds() + " s and was killed with everything it started;"
                            + " nothing was published");
                }
                int tests = testsRun(src);
                if (result.exitCode() != 0) {
                    boolean testFailure = tests > 0 && failedTests(src);
                    throw new StepFailure(testFailure ? "test" : "build", (testFailure ? "the " + row.kind + "'s tests failed"
                            : "the build failed (Maven exit " + result.exitCode() + ")") + firstError(row.id)
                            + "; nothing was published");
                }
                if (tests == 0) {
                    throw new StepFailure("test", "no test ran: labd publishes only " + row.kind + "s whose own tests run"
                            + " and pass; add tests under src/test/java" + (SourceSpec.APP.equals(row.kind)
                            ? " (apps/README.md, Tests)" : " (the module archetype's ModuleTest is a start)"));
                }
                log.labd(tests + " tests ran and passed");
                boolean app = SourceSpec.APP.equals(row.kind);
                Path jar = app ? appJar(src) : moduleJar(src);
                String descriptor = app ? AppDescriptor.APP_YAML : "module.yaml";
                String declared = declaredName(jar, descriptor);
                if (!row.module.equals(declared)) {
                    throw new StepFailure("check", jar.getFileName() + " declares the " + row.kind + " '" + declared
                            + "' in " + descriptor + ", not '" + row.module + "': add it under its own name or change "
                            + descriptor);
                }
                String range = app ? null : ApiRange.problem(jar, ApiRange.shipped(work.resolve("m2")));
                if (range != null) {
                    throw new StepFailure("check", jar.getFileName() + " is not published: " + range);
                }
                try {
                    // a build is its starter's work: if their admin access ended while it ran, it publishes nothing
                    access().require(caller, ADMIN);
                } catch (ApiException e) {
                    throw new StepFailure("publish", row.startedBy + " no longer has admin access (it ended during the"
                            + " build): nothing was published");
                }
                RepoEntry entry;
                try (InputStream in = Files.newInputStream(jar)) {
                    entry = repository.push(caller, jar.getFileName().toString(), in, null, null);
                } catch (ApiException e) {
                    throw new StepFailure("repo-entry-exists".equals(e.code()) ? "publish" : "check", e.getMessage());
                }
                log.labd("published " + entry.coordinates() + " (sha256 " + entry.sha256() + ")");
                String published = commit;
                sessions.mapper(SourcesMapper.class, m -> {
                    SourceRow s = new SourceRow();
                    s.name = row.module;
                    s.kind = row.kind;
                    s.url = row.url;
                    s.ref = row.ref;
                    s.credential = row.credential;
                    s.commitId = published;
                    s.version = entry.version();
                    s.sha256 = entry.sha256();
                    s.addedBy = row.startedBy;
                    s.updatedBy = row.startedBy;
                    return adding && m.source(row.module) == null ? m.insertSource(s) : m.updateSource(s);
                });
                end.state = BuildInfo.SUCCEEDED;
                end.version = entry.version();
                end.sha256 = entry.sha256();
                end.detail = "published " + entry.coordinates() + " from commit " + commit;
            } catch (StepFailure e) {
                end.state = BuildInfo.FAILED;
                end.step = e.step;
                end.detail = e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                end.state = BuildInfo.FAILED;
                end.step = "build";
                end.detail = "labd stopped during the build; nothing was published";
            } catch (IOException | RuntimeException e) {
                end.state = BuildInfo.FAILED;
                end.step = "prepare";
                end.detail = "labd could not run the build: " + GitFetch.rootMessage(e);
            }
            if (end.state.equals(BuildInfo.FAILED)) {
                log.labd("failed at " + end.step + ": " + end.detail);
            }
            deleteTree(work);   // before the build shows as ended: nothing of it is left by then
            log.close();
            sessions.mapper(SourcesMapper.class, m -> m.endBuild(end));
            String commitText = commit;
            audit.record(new AuditWriter.Event(row.startedBy, null, SOURCE, adding ? "module.source.build-add"
                            : "module.source.build-update", "/v1/sources/" + row.module),
                    BuildInfo.SUCCEEDED.equals(end.state) ? AuditEntry.OK : AuditEntry.FAILED,
                    (System.nanoTime() - started) / 1_000_000, BuildInfo.FAILED.equals(end.state) ? end.step + ": "
                            + end.detail : null,
                    "build " + row.id + " url " + row.url + " ref " + (row.ref == null ? "(default)" : row.ref)
                            + " commit " + commitText + (end.sha256 == null ? "" : " version " + end.version
                            + " sha256 " + end.sha256));
        } finally {
            deleteTree(work);
        }
    }

    /**
     * Whether the build's row is there for this thread: the request that inserted it commits with its audit row, a
     * moment after the build was handed over.
     */
    private boolean committed(String id) {
        for (int i = 0; i < 300; i++) {
            if (sessions.mapper(SourcesMapper.class, m -> m.build(id)) != null) {
                return true;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** The first [ERROR] line of the build's log, as a hint; the whole log is one command away. */
    private String firstError(String id) {
        BuildRow r = sessions.mapper(SourcesMapper.class, m -> m.build(id));
        if (r != null && r.log != null) {
            for (String line : r.log.split("\n")) {
                if (line.startsWith("[ERROR]") && line.length() > 8 && !line.contains("COMPILATION ERROR")) {
                    String text = line.substring(7).strip();
                    return ": " + (text.length() > 300 ? text.substring(0, 300) + "..." : text)
                            + " (see labctl logs build/" + id.substring(0, 8) + ")";
                }
            }
        }
        return " (see labctl logs build/" + id.substring(0, 8) + ")";
    }

    /** Tests surefire ran and did not skip, over every module of the project. */
    static int testsRun(Path src) throws IOException {
        int total = 0;
        for (Path report : reports(src)) {
            String xml = Files.readString(report, StandardCharsets.UTF_8);
            Matcher m = TESTS.matcher(xml);
            if (m.find()) {
                Matcher skipped = SKIPPED.matcher(m.group());
                total += Integer.parseInt(m.group(1)) - (skipped.find() ? Integer.parseInt(skipped.group(1)) : 0);
            }
        }
        return total;
    }

    private static boolean failedTests(Path src) throws IOException {
        for (Path report : reports(src)) {
            String xml = Files.readString(report, StandardCharsets.UTF_8);
            Matcher m = TESTS.matcher(xml);
            if (m.find() && (m.group().matches("(?s).*\\bfailures=\"[1-9].*") || m.group().matches("(?s).*\\berrors=\"[1-9].*"))) {
                return true;
            }
        }
        return false;
    }

    private static List<Path> reports(Path src) throws IOException {
        try (Stream<Path> files = Files.walk(src, 5)) {
            return files.filter(p -> p.getParent() != null && p.getParent().getFileName().toString().equals("surefire-reports")
                    && p.getFileName().toString().startsWith("TEST-") && p.getFileName().toString().endsWith(".xml")).toList();
        }
    }

    /** The one jar under target/ of the project (or of one of its modules) with a module.yaml at its root. */
    static Path moduleJar(Path src) throws IOException, StepFailure {
        List<Path> found = new ArrayList<>();
        for (Path p : targetJars(src)) {
            try (JarFile jar = new JarFile(p.toFile())) {
                if (jar.getEntry("module.yaml") != null) {
                    found.add(p);
                }
            }
        }
        if (found.isEmpty()) {
            throw new StepFailure("check", "the build made no module jar (a jar under target/ with module.yaml at its"
                    + " root): is this a labctl module project (the module archetype makes one)?");
        }
        if (found.size() > 1) {
            throw new StepFailure("check", "the build made more than one module jar (" + found.stream()
                    .map(p -> src.relativize(p).toString()).toList() + "): a module source builds one module");
        }
        return found.get(0);
    }

    /**
     * The app's jar to publish: of the jars under target/ with app/app.yaml, the one that runs on its own (its
     * Main-Class and the Pulumi SDK inside: the shaded {@code -app.jar} an app's build makes beside its plain jar).
     */
    static Path appJar(Path src) throws IOException, StepFailure {
        List<Path> found = new ArrayList<>();
        for (Path p : targetJars(src)) {
            try (JarFile jar = new JarFile(p.toFile())) {
                if (jar.getEntry(AppDescriptor.APP_YAML) != null && jar.getEntry("com/pulumi/Pulumi.class") != null
                        && jar.getManifest() != null
                        && jar.getManifest().getMainAttributes().getValue("Main-Class") != null) {
                    found.add(p);
                }
            }
        }
        if (found.isEmpty()) {
            throw new StepFailure("check", "the build made no app jar that runs on its own (a jar under target/ with"
                    + " app/app.yaml, a Main-Class and the Pulumi SDK inside): shade the app as apps/pom.xml does");
        }
        if (found.size() > 1) {
            throw new StepFailure("check", "the build made more than one app jar (" + found.stream()
                    .map(p -> src.relativize(p).toString()).toList() + "): an app source builds one app");
        }
        return found.get(0);
    }

    private static List<Path> targetJars(Path src) throws IOException {
        try (Stream<Path> files = Files.walk(src, 4)) {
            return files.filter(p -> p.getParent() != null && p.getParent().getFileName().toString().equals("target")
                    && p.getFileName().toString().endsWith(".jar")).filter(p -> {
                        String n = p.getFileName().toString();
                        return !n.endsWith("-sources.jar") && !n.endsWith("-javadoc.jar") && !n.endsWith("-tests.jar");
                    }).toList();
        }
    }

    private static String declaredName(Path jar, String descriptor) throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            ZipEntry e = j.getEntry(descriptor);
            try (InputStream in = j.getInputStream(e)) {
                Matcher m = YAML_NAME.matcher(new String(in.readNBytes(256 * 1024), StandardCharsets.UTF_8));
                return m.find() ? m.group(1) : "(none)";
            }
        }
    }

    // ---------------------------------------------------------------- files and owners

    /** The build user must reach the work folder (bwrap binds it as that user): every parent searchable by others. */
    private void reachable(Path dir) throws IOException, StepFailure {
        if (!Sandbox.runningAsRoot()) {
            return;
        }
        Set<PosixFilePermission> mine = Files.getPosixFilePermissions(dir);
        if (!mine.contains(PosixFilePermission.OTHERS_EXECUTE)) {
            Set<PosixFilePermission> p = PosixFilePermissions.fromString("rwx--x--x");
            Files.setPosixFilePermissions(dir, p);
        }
        for (Path p = dir.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw new StepFailure("prepare", "the build user (uid " + settings.uid() + ") cannot reach the work"
                        + " folder " + dir + ": " + p + " is not searchable by others. Set workDirectory in"
                        + " etc/io.labctl.sources.cfg to a folder it can reach, such as /var/lib/labd-builds");
            }
        }
    }

    private void give(Path path) throws IOException {
        if (Sandbox.runningAsRoot()) {
            Files.setAttribute(path, "unix:uid", settings.uid(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(path, "unix:gid", settings.gid(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
        }
    }

    private void giveTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                give(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                give(file);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // best effort: a later build uses another folder
        }
    }

    // ---------------------------------------------------------------- helpers

    /** module (also when none is given) or app. */
    static String kind(String kind) {
        if (kind == null || kind.isBlank() || SourceSpec.MODULE.equals(kind)) {
            return SourceSpec.MODULE;
        }
        if (SourceSpec.APP.equals(kind)) {
            return SourceSpec.APP;
        }
        throw ApiException.badRequest("invalid-kind", "a source builds a module or an app, not '" + kind + "'");
    }

    static String moduleName(String name) {
        if (name == null || !name.matches("[a-z0-9-]{1,63}")) {
            throw ApiException.badRequest("invalid-name", "module name '" + name + "' is not valid: use 1 to 63"
                    + " lower-case letters, digits and '-' (the name in the module's module.yaml)");
        }
        return name;
    }

    private static String ref(String ref) {
        String r = blankToNull(ref);
        if (r != null && (!REF.matcher(r).matches() || r.startsWith("-") || r.contains(".."))) {
            throw ApiException.badRequest("invalid-ref", "ref '" + ref + "' is not a valid branch, tag or commit name");
        }
        return r;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    static String auditName(Identity identity) {
        return identity.kind() == Identity.Kind.USER ? identity.name() : identity.toString();
    }

    static BuildInfo info(BuildRow r) {
        return new BuildInfo(r.id, r.module, r.url, r.ref, r.commitId, r.state, r.step, r.detail, r.version, r.sha256,
                r.startedBy, r.startedAt, r.endedAt, r.log);
    }

    private AccessDecisions access() {
        return AccessDecisions.present(decisions);
    }
}
