package io.labctl.modules.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.labctl.api.AgentChannels;
import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.Sealer;
import io.labctl.api.ServerRegistry;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.access.Decision;
import io.labctl.api.audit.AuditWriter;
import io.labctl.api.repository.BundleRepository;
import io.labctl.persistence.Database;
import io.labctl.persistence.Schema;
import io.labctl.protocol.InvalidInput;
import io.labctl.protocol.Json;
import io.labctl.protocol.Selector;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.access.Permission;
import io.labctl.protocol.modules.ApplyEvent;
import io.labctl.protocol.modules.ApplyRequest;
import io.labctl.protocol.modules.AssignmentRevision;
import io.labctl.protocol.modules.ModuleDescriptor;
import io.labctl.protocol.modules.ModuleDetail;
import io.labctl.protocol.modules.ModuleReport;
import io.labctl.protocol.modules.ModuleRun;
import io.labctl.protocol.modules.ModuleSummary;
import io.labctl.protocol.modules.RepoEntry;
import io.labctl.protocol.modules.ServerModuleStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.osgi.framework.Version;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configuration modules on servers: assignments (a module at a version with inputs on a selector, numbered revisions
 * per module), runs through each agent's {@code module} stream, and each module's state on each server. Every call
 * takes the caller and checks it on each server (apply, or read for dry runs and status); a refused server is
 * reported and audited, never silently skipped. Secret inputs are sealed before they are stored and opened only to
 * build the OPEN parameters of a server that runs the module; events, reports, audit rows and logs never carry an
 * input value.
 */
@Component(service = ModuleService.class, configurationPid = "io.labctl.modules",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ModulesConfig.class)
public class ModuleService {
    private static final Logger LOG = LoggerFactory.getLogger(ModuleService.class);
    /** Who labd's own convergence and checks run as, in the audit log and in runs. */
    static final Identity LABD = new Identity(Identity.Kind.LABD, "labd");
    static final String SOURCE = "labd";
    // states beyond the four the wire shows: held is pending until an operator applies (the server was denied or not
    // run), removed is not managed until the module is applied to it again
    static final String HELD = "held";
    static final String REMOVED = "removed";

    private final ModuleStore store;
    private final BundleRepository repository;
    private final ServerRegistry registry;
    private final AgentRuns agents;
    private final SealedInputs inputs;
    private final AuditWriter audit;
    private final Rollout rollout;
    private final RunEndings endings;
    private final Duration runTimeout;
    private final Map<String, ReentrantLock> busy = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile AccessDecisions decisions;

    @Activate
    public ModuleService(@Reference Database database,
            // present once the modules schema is current: the component waits for its migrations
            @Reference(target = "(labctl.schema=modules)") Schema schema, @Reference BundleRepository repository,
            @Reference ServerRegistry registry, @Reference AgentChannels channels, @Reference Sealer sealer,
            @Reference AuditWriter audit, ModulesConfig config) {
        this.store = new ModuleStore(database);
        this.repository = repository;
        this.registry = registry;
        this.runTimeout = Duration.ofSeconds(config.runTimeoutSeconds());
        this.agents = new AgentRuns(channels, runTimeout);
        this.inputs = new SealedInputs(sealer);
        this.audit = audit;
        this.rollout = new Rollout(config.parallelism());
        this.endings = new RunEndings(store, audit, RunEndings.thisInstallation());
        endings.endLeftRunning(Instant.now());
    }

    // ---------------------------------------------------------------- catalog

    public List<ModuleSummary> list() {
        Map<String, Long> assigned = store.assignments().stream()
                .collect(Collectors.groupingBy(r -> r.module, Collectors.counting()));
        Map<String, List<RepoEntry>> byName = new TreeMap<>(modules().stream()
                .collect(Collectors.groupingBy(RepoEntry::name)));
        return byName.values().stream().map(entries -> summary(entries, assigned)).toList();
    }

    public ModuleDetail detail(String name) {
        List<RepoEntry> versions = versionsOf(name);
        if (versions.isEmpty()) {
            throw unknownModule(name);
        }
        Map<String, Long> assigned = Map.of(name, store.assignments().stream().filter(r -> r.module.equals(name)).count());
        return new ModuleDetail(summary(versions, assigned), versions.get(versions.size() - 1).descriptor(), history(name));
    }

    public List<AssignmentRevision> history(String name) {
        List<AssignmentRevision> out = store.revisions(name).stream().map(ModuleService::revision).toList();
        if (out.isEmpty() && versionsOf(name).isEmpty()) {
            throw unknownModule(name);
        }
        return out;
    }

    private List<RepoEntry> modules() {
        return repository.list().stream().filter(e -> "module".equals(e.kind())).toList();
    }

    /** The module's versions, oldest first. */
    private List<RepoEntry> versionsOf(String name) {
        return modules().stream().filter(e -> e.name().equals(name))
                .sorted(Comparator.comparing(e -> Version.parseVersion(e.version()))).toList();
    }

    private static ModuleSummary summary(List<RepoEntry> entries, Map<String, Long> assigned) {
        List<RepoEntry> sorted = entries.stream()
                .sorted(Comparator.comparing(e -> Version.parseVersion(e.version()))).toList();
        RepoEntry newest = sorted.get(sorted.size() - 1);
        String description = newest.descriptor() == null ? null : newest.descriptor().description();
        return new ModuleSummary(newest.name(), newest.version(), sorted.stream().map(RepoEntry::version).toList(),
                description, assigned.getOrDefault(newest.name(), 0L).intValue());
    }

    private static AssignmentRevision revision(RevisionRow r) {
        return new AssignmentRevision(r.revision, r.module, r.version, r.selector, SealedInputs.masked(r.inputs),
                r.enforce, r.action, r.createdBy, r.createdAt);
    }

    private ApiException unknownModule(String name) {
        String known = modules().stream().map(RepoEntry::name).distinct().sorted().collect(Collectors.joining(", "));
        return ApiException.notFound("module-not-found", "no module " + name + " in labd's repository; "
                + (known.isEmpty() ? "it holds no modules yet (labctl repo push FILE)" : "modules there: " + known));
    }

    /** The module at a version (null: the newest), or 404 naming what exists. */
    RepoEntry entry(String name, String version) {
        Optional<RepoEntry> found = repository.find(name, version == null || version.isBlank() ? null : version)
                .filter(e -> "module".equals(e.kind()));
        if (found.isPresent()) {
            return found.get();
        }
        List<RepoEntry> versions = versionsOf(name);
        if (versions.isEmpty()) {
            throw unknownModule(name);
        }
        throw ApiException.notFound("module-version-not-found", "module " + name + " has no version " + version
                + "; its versions: " + versions.stream().map(RepoEntry::version).collect(Collectors.joining(", ")));
    }

    // ---------------------------------------------------------------- apply, rollback, remove

    /** Checks an apply (or dry run), records its revision (not for a dry run) and returns it ready to run. */
    public Prepared prepareApply(Identity caller, String name, ApplyRequest request) {
        ApplyRequest req = request == null ? new ApplyRequest(null, null, null, false, null, null, false) : request;
        RepoEntry entry = entry(name, req.version());
        ModuleDescriptor descriptor = descriptorOf(entry);
        Map<String, String> given = req.inputs() == null ? Map.of() : new LinkedHashMap<>(req.inputs());
        try {
            descriptor.validateInputs(given);
        } catch (InvalidInput e) {
            throw ApiException.badRequest(e.code(), e.getMessage());
        }
        int maxFailures = maxFailures(req.maxFailures());
        Selector selector = selector(req.selector());
        RevisionRow row = new RevisionRow();
        row.module = name;
        row.version = entry.version();
        row.selector = selector.toString();
        row.inputs = inputs.seal(name, given, descriptor.secretInputs());
        row.enforce = req.enforce();
        row.action = AssignmentRevision.APPLY;
        row.createdBy = caller.name();
        String label = name + "@" + entry.version() + " -l " + row.selector;
        if (req.dryRun()) {
            Selection s = select(caller, Action.READ, selector, descriptor, "module.plan");
            requirements().requireMet(descriptor, entry.version(), s.reached(), row.selector);
            return prepared(caller, "module.plan", "plan", name, label, 0, s, entry, row, req.batch(), maxFailures);
        }
        Selection s = select(caller, Action.APPLY, selector, descriptor, "module.apply");
        requirements().requireMet(descriptor, entry.version(), s.reached(), row.selector);
        return record(caller, "module.apply", name, label, s, entry, row, req.batch(), maxFailures);
    }

    /** Re-applies an earlier revision's version, inputs and selector as a new revision. */
    public Prepared prepareRollback(Identity caller, String name, int revision, ApplyRequest request) {
        ApplyRequest req = request == null ? new ApplyRequest(null, null, null, false, null, null, false) : request;
        RevisionRow old = store.revision(name, revision).orElseThrow(() -> {
            history(name); // 404 for an unknown module
            return ApiException.notFound("revision-not-found", "module " + name + " has no revision " + revision
                    + "; see labctl modules history " + name);
        });
        if (AssignmentRevision.REMOVE.equals(old.action)) {
            throw ApiException.badRequest("revision-removed", "revision " + revision + " of " + name + " removed the "
                    + "module; roll back to a revision that applied it (labctl modules history " + name + ")");
        }
        RepoEntry entry = entry(name, old.version);
        int maxFailures = maxFailures(req.maxFailures());
        RevisionRow row = new RevisionRow();
        row.module = name;
        row.version = old.version;
        row.selector = old.selector;
        row.inputs = old.inputs; // sealed as they were: never opened to be copied
        row.enforce = old.enforce;
        row.action = AssignmentRevision.ROLLBACK;
        row.createdBy = caller.name();
        Selection s = select(caller, Action.APPLY, selector(old.selector), descriptorOf(entry), "module.rollback");
        requirements().requireMet(descriptorOf(entry), old.version, s.reached(), old.selector);
        String label = name + "@" + old.version + " -l " + old.selector + " (revision " + revision + ")";
        return record(caller, "module.rollback", name, label, s, entry, row, req.batch(), maxFailures);
    }

    /**
     * Runs the module's removal on the selected servers, each with the version and inputs it was last given, and ends
     * the assignment for them: an assignment on exactly this selector ends; other matching servers are marked
     * removed, so labd does not converge them again until the module is applied to them anew.
     */
    public Prepared prepareRemove(Identity caller, String name, ApplyRequest request) {
        ApplyRequest req = request == null ? new ApplyRequest(null, null, null, false, null, null, false) : request;
        RepoEntry newest = entry(name, null);
        int maxFailures = maxFailures(req.maxFailures());
        Selector selector = selector(req.selector());
        Selection s = select(caller, Action.APPLY, selector, null, "module.remove");
        RevisionRow row = new RevisionRow();
        row.module = name;
        row.version = newest.version();
        row.selector = selector.toString();
        row.inputs = "{}";
        row.action = AssignmentRevision.REMOVE;
        row.createdBy = caller.name();
        requireSomeTarget(caller, s, selector, Action.APPLY);
        requirements().requireNoDependents(name, s.reached(), row.selector);
        int revision = store.addRevision(row);
        List<Prepared.Target> targets = new ArrayList<>();
        for (ServerInfo server : s.targets()) {
            Optional<StateRow> state = store.state(name, server.name());
            RevisionRow from = state.flatMap(st -> store.revision(name, st.revision)).orElse(row);
            RepoEntry entry = state.map(st -> entryOrNull(name, st.version)).orElse(newest);
            targets.add(new Prepared.Target(server.name(), entry == null ? newest : entry, from));
        }
        for (ServerInfo server : s.offline()) {
            store.setState(name, server.name(), revision, newest.version(), HELD, "offline at remove; its removal did not run");
        }
        return new Prepared(caller, "module.remove", "remove", name, name + " -l " + row.selector, revision,
                targets, s.notices(), Batches.size(req.batch(), targets.size()), maxFailures);
    }

    private RepoEntry entryOrNull(String name, String version) {
        return repository.find(name, version).orElse(null);
    }

    private Prepared record(Identity caller, String verb, String name, String label, Selection s, RepoEntry entry,
                            RevisionRow row, String batch, int maxFailures) {
        requireSomeTarget(caller, s, selector(row.selector), Action.APPLY);
        int revision = store.addRevision(row);
        for (ServerInfo server : s.targets()) {
            // held, not pending: labd's own convergence must not run it ahead of its batch
            store.setState(name, server.name(), revision, entry.version(), HELD, RunEndings.WAITING_FOR_BATCH);
        }
        for (ServerInfo server : s.offline()) {
            store.setState(name, server.name(), revision, entry.version(), ServerModuleStatus.PENDING,
                    "offline; labd converges it when it connects");
        }
        for (Prepared.Notice n : s.notices()) {
            if (ApplyEvent.DENIED.equals(n.type())) {
                store.setState(name, n.server(), revision, entry.version(), HELD, n.message());
            }
        }
        return prepared(caller, verb, "apply", name, label, revision, s, entry, row, batch, maxFailures);
    }

    private static Prepared prepared(Identity caller, String verb, String action, String name, String label, int revision,
                                     Selection s, RepoEntry entry, RevisionRow row, String batch, int maxFailures) {
        List<Prepared.Target> targets = s.targets().stream()
                .map(server -> new Prepared.Target(server.name(), entry, row)).toList();
        return new Prepared(caller, verb, action, name, label, revision, targets, s.notices(),
                Batches.size(batch, targets.size()), maxFailures);
    }

    /** Every matched server was refused: nothing to do and nothing recorded, one refusal for the caller. */
    private static void requireSomeTarget(Identity caller, Selection s, Selector selector, Action action) {
        boolean allDenied = s.targets().isEmpty() && s.offline().isEmpty()
                && s.notices().stream().allMatch(n -> ApplyEvent.DENIED.equals(n.type()));
        if (allDenied) {
            String refused = s.notices().stream().map(Prepared.Notice::server).limit(10).collect(Collectors.joining(", "));
            throw ApiException.forbidden("forbidden", caller + " may not " + action + " on any server matching "
                    + selector + " (refused: " + refused + (s.notices().size() > 10 ? ", ..." : "") + "); ask an "
                    + "admin for a role that allows " + action + " on them");
        }
    }

    /**
     * Runs a prepared run: its notices first, a target event per server, each server's result as it ends, and the
     * summary; then the run's one audit row with that summary. The sink may be a client that went away: the run
     * goes on.
     */
    public Prepared.Tallied execute(Prepared p, Consumer<ApplyEvent> sink) {
        long started = System.nanoTime();
        Rollout.Events events = new Rollout.Events(sink, p.targets().size());
        p.notices().forEach(n -> events.emit(n.type(), n.server(), n.message()));
        p.targets().forEach(t -> events.emit(ApplyEvent.TARGET, t.server(), null));
        Map<String, Prepared.Target> byServer = new LinkedHashMap<>();
        p.targets().forEach(t -> byServer.put(t.server(), t));
        String notRunDetail = "not run: too many servers failed (--max-failures " + p.maxFailures() + ")";
        Rollout.Tally tally = rollout.run(p.servers(), p.batchSize(), p.maxFailures(),
                server -> runLocked(p, byServer.get(server)), server -> {
                    if (p.revision() > 0) {
                        store.setState(p.module(), server, p.revision(), byServer.get(server).entry().version(), HELD,
                                notRunDetail);
                    }
                }, accessRecheck(p), events);
        long denied = p.notices().stream().filter(n -> ApplyEvent.DENIED.equals(n.type())).count();
        long excluded = p.notices().size() - denied;
        String summary = p.verb() + " " + p.label() + ": " + tally.changed() + " changed, " + tally.unchanged()
                + " unchanged, " + tally.failed() + " failed" + (tally.notRun() > 0 ? ", " + tally.notRun() + " not run" : "")
                + (denied > 0 ? ", " + denied + " denied" : "")
                + (excluded + tally.unreachable() > 0 ? ", " + (excluded + tally.unreachable()) + " excluded" : "")
                + (tally.stopped() != null ? "; stopped: " + tally.stopped() : "");
        events.emit(ApplyEvent.SUMMARY, null, summary);
        boolean failed = tally.failed() > 0 || tally.notRun() > 0;
        if (p.caller().equals(LABD) && tally.changed() + tally.unchanged() + tally.failed() + tally.notRun() == 0) {
            // labd's own round reached none of them (connected to another labd instance): nothing ran, no row
            return new Prepared.Tallied(tally, summary);
        }
        try {
            audit.record(new AuditWriter.Event(auditName(p.caller()), null, SOURCE, p.verb(), "/v1/modules/" + p.module()),
                    failed ? AuditEntry.FAILED : AuditEntry.OK, (System.nanoTime() - started) / 1_000_000,
                    failed ? summary : null, summary);
        } catch (RuntimeException e) {
            LOG.error("could not write the audit row of '{}': {}", summary, e.getMessage());
        }
        return new Prepared.Tallied(tally, summary);
    }

    /**
     * A user's rollout re-decides the user's access before each server starts, so that removing the user or a role
     * binding stops it there (labd's own rounds run as labd: nothing to re-decide).
     */
    private Rollout.Gate accessRecheck(Prepared p) {
        if (p.caller().equals(LABD)) {
            return Rollout.Gate.OPEN;
        }
        Action needed = "plan".equals(p.action()) ? Action.READ : Action.APPLY;
        return new AccessRecheck(() -> decisions, registry, p.caller(), needed,
                (server, why) -> refused(p.caller(), p.verb(), server, why));
    }

    /** One server's run, never two of the same module on one server at once. */
    private Outcome runLocked(Prepared p, Prepared.Target target) {
        ReentrantLock lock = lockOf(p.module(), target.server());
        try {
            if (!lock.tryLock(runTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return Outcome.error(target.server(), null, "another run of " + p.module() + " on " + target.server()
                        + " did not end in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.error(target.server(), null, "interrupted: labd is stopping");
        }
        try {
            return runOne(p, target);
        } finally {
            lock.unlock();
        }
    }

    ReentrantLock lockOf(String module, String server) {
        return busy.computeIfAbsent(module + "\0" + server, k -> new ReentrantLock());
    }

    private Outcome runOne(Prepared p, Prepared.Target target) {
        String runId = UUID.randomUUID().toString();
        RunRow run = new RunRow();
        run.id = runId;
        run.server = target.server();
        run.module = p.module();
        run.version = target.entry().version();
        run.revision = p.revision();
        run.action = p.action();
        run.createdBy = auditName(p.caller());
        run.started = Instant.now();
        // recorded as running before the agent hears of it: a labd that dies now leaves a row its next start ends
        store.startRun(endings.starting(run));
        try {
            return ranOn(p, target, runId, whyCut(call(target, p.action(), runId)));
        } finally {
            endings.ended(runId);
        }
    }

    /** Records how a run ended: its row, and the server's state unless it was a plan. */
    private Outcome ranOn(Prepared p, Prepared.Target target, String runId, Outcome outcome) {
        if (outcome.offline()) {
            store.dropUnstarted(runId);
            if (p.revision() > 0 && "apply".equals(p.action())) { // the labd that holds it converges it
                store.setState(p.module(), target.server(), p.revision(), target.entry().version(),
                        ServerModuleStatus.PENDING, outcome.message());
            }
            return outcome;
        }
        store.endRun(runId, outcome.failed() ? ModuleRun.FAILED : ModuleRun.OK, Instant.now(),
                outcome.report() == null ? null : SealedInputs.json(outcome.report()));
        if (!"plan".equals(p.action())) {
            boolean removal = "remove".equals(p.action());
            String state = outcome.failed() ? ServerModuleStatus.FAILED : removal ? REMOVED : ServerModuleStatus.CONVERGED;
            if (removal) { // a server may get the removal without ever having had the module: its row starts here
                store.setState(p.module(), target.server(), p.revision(), target.entry().version(), state, null);
            }
            store.ran(p.module(), target.server(), state, detail(outcome), runId, Instant.now());
        }
        return outcome;
    }

    /**
     * A run cut because its server was deleted, or its agent's certificate revoked, says so: labd cut the connection,
     * the agent did not just go away.
     */
    private Outcome whyCut(Outcome o) {
        if (o.report() != null || o.message() == null || !o.message().startsWith(AgentRuns.DISCONNECTED)) {
            return o;
        }
        if (registry.find(o.server()).isEmpty()) {
            return Outcome.error(o.server(), o.runId(), "the server was deleted during the run, which cut its agent's"
                    + " connection (" + o.message() + ")");
        }
        if (o.message().contains("certificate revoked")) {
            return Outcome.error(o.server(), o.runId(), "the agent's certificate was revoked during the run, which cut"
                    + " its connection (" + o.message() + ")");
        }
        return o;
    }

    /** Calls the agent; a failure to open the inputs or to check them is the server's failure, not a crash. */
    Outcome call(Prepared.Target target, String action, String runId) {
        RepoEntry entry = target.entry();
        try {
            ModuleDescriptor descriptor = descriptorOf(entry);
            Map<String, Object> typed = descriptor.validateInputs(inputs.open(entry.name(), target.inputsFrom().inputs));
            return agents.run(new AgentRuns.Request(target.server(), action, entry.name(), entry.version(),
                    entry.sha256(), runId, typed, descriptor.secretInputs()));
        } catch (InvalidInput e) {
            return Outcome.error(target.server(), runId, "inputs of " + entry.name() + "@" + entry.version()
                    + " are not valid for this version: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("module run {} on {} failed before it started: {}", runId, target.server(), e.toString());
            return Outcome.error(target.server(), runId, "the run could not start: " + e.getClass().getSimpleName());
        }
    }

    /** What a state's detail says: the failed resources and their reasons, or the error. */
    static String detail(Outcome o) {
        if (o.report() == null) {
            return o.message();
        }
        ModuleReport r = o.report();
        List<String> failed = r.resources() == null ? List.of() : r.resources().stream()
                .filter(x -> io.labctl.protocol.modules.ResourceResult.FAILED.equals(x.status()))
                .map(x -> x.id() + ": " + x.reason()).toList();
        if (!failed.isEmpty()) {
            return String.join("; ", failed);
        }
        return r.health() != null && r.health().startsWith("unhealthy") ? r.health() : null;
    }

    // ---------------------------------------------------------------- selection

    /** The servers a selector matched, as far as the caller may see them, sorted into targets and the rest. */
    record Selection(List<ServerInfo> targets, List<ServerInfo> offline, List<Prepared.Notice> notices) {
        /** The servers the run would manage: those it runs on now and those labd converges when they connect. */
        List<String> reached() {
            return java.util.stream.Stream.concat(targets.stream(), offline.stream()).map(ServerInfo::name).toList();
        }
    }

    private Selection select(Identity caller, Action needed, Selector selector, ModuleDescriptor descriptor, String verb) {
        AccessDecisions access = AccessDecisions.present(decisions);
        List<ServerInfo> visible = registry.list(selector).stream()
                .filter(s -> allowed(access, caller, Action.READ, s) || allowed(access, caller, needed, s)).toList();
        if (visible.isEmpty()) {
            throw ApiException.badRequest("selector-matches-nothing", "no server matches the selector " + selector
                    + "; see labctl get servers -l " + selector);
        }
        Set<String> targeted = descriptor == null ? null : moduleTargets(descriptor);
        List<ServerInfo> targets = new ArrayList<>();
        List<ServerInfo> offline = new ArrayList<>();
        List<Prepared.Notice> notices = new ArrayList<>();
        for (ServerInfo s : visible) {
            Permission request = Permission.on(needed, s.cloud(), s.environment(), s.name());
            Decision d = access.decide(caller, request);
            if (!d.allowed()) {
                String message = d.refusal(caller, request).getMessage();
                notices.add(new Prepared.Notice(ApplyEvent.DENIED, s.name(), message));
                refused(caller, verb, s.name(), message);
            } else if (targeted != null && !targeted.contains(s.name())) {
                notices.add(new Prepared.Notice(ApplyEvent.EXCLUDED, s.name(), "not a target of " + descriptor.name()
                        + ": " + targetsText(descriptor)));
            } else if (!ServerInfo.ONLINE.equals(s.status())) {
                offline.add(s);
                notices.add(new Prepared.Notice(ApplyEvent.EXCLUDED, s.name(), s.status()
                        + (needed == Action.APPLY ? "; labd converges it when it connects" : "")));
            } else {
                targets.add(s);
            }
        }
        return new Selection(targets, offline, notices);
    }

    private static boolean allowed(AccessDecisions access, Identity caller, Action action, ServerInfo s) {
        return access.decide(caller, Permission.on(action, s.cloud(), s.environment(), s.name())).allowed();
    }

    private void refused(Identity caller, String verb, String server, String message) {
        audit.record(new AuditWriter.Event(auditName(caller), null, SOURCE, verb, "/v1/servers/" + server),
                AuditEntry.DENIED, 0L, message);
    }

    /** The names of the servers the module's own targets (roles, selector) allow; every server if it sets none. */
    Set<String> moduleTargets(ModuleDescriptor descriptor) {
        ModuleDescriptor.Targets t = descriptor.targets();
        Selector selector = t == null || t.selector() == null || t.selector().isBlank()
                ? Selector.everything() : Selector.parse(t.selector());
        List<String> roles = t == null || t.roles() == null ? List.of() : t.roles();
        Set<String> out = new HashSet<>();
        for (ServerInfo s : registry.list(selector)) {
            if (roles.isEmpty() || roles.contains(s.role())) {
                out.add(s.name());
            }
        }
        return out;
    }

    private static String targetsText(ModuleDescriptor d) {
        ModuleDescriptor.Targets t = d.targets();
        List<String> parts = new ArrayList<>();
        if (t != null && t.roles() != null && !t.roles().isEmpty()) {
            parts.add("role one of " + t.roles());
        }
        if (t != null && t.selector() != null && !t.selector().isBlank()) {
            parts.add("selector " + t.selector());
        }
        return "its targets are " + String.join(" and ", parts);
    }

    private static Selector selector(String text) {
        if (text == null || text.isBlank()) {
            throw ApiException.badRequest("missing-selector", "give the servers as a selector (-l role=server)");
        }
        try {
            return Selector.parse(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-selector", e.getMessage());
        }
    }

    private static int maxFailures(Integer given) {
        try {
            return Batches.maxFailures(given);
        } catch (InvalidInput e) {
            throw ApiException.badRequest(e.code(), e.getMessage());
        }
    }

    static ModuleDescriptor descriptorOf(RepoEntry entry) {
        if (entry.descriptor() == null) {
            throw ApiException.badRequest("not-a-module", entry.name() + "@" + entry.version() + " has no module.yaml");
        }
        return entry.descriptor();
    }

    static String auditName(Identity identity) {
        return identity.kind() == Identity.Kind.USER ? identity.name() : identity.toString();
    }

    // ---------------------------------------------------------------- status and runs

    /**
     * Each module on each server the caller may read, filtered by module, server and selector when given (the selector
     * resolved once, by the registry, in the grammar of every {@code -l}). A matching server with no run yet is
     * pending. refresh: re-plan only the filtered ones now first (no change made), so a check of one server costs one
     * round trip to one agent.
     */
    public List<ServerModuleStatus> status(Identity caller, String module, String server, Selector selector,
                                           boolean refresh) {
        AccessDecisions access = AccessDecisions.present(decisions);
        Set<String> selected = selector == null ? null
                : registry.list(selector).stream().map(ServerInfo::name).collect(Collectors.toSet());
        Predicate<String> wanted = name -> (server == null || name.equals(server))
                && (selected == null || selected.contains(name))
                && access.decide(caller, access.onServer(Action.READ, name)).allowed();
        Map<String, Managed> managed = managed();
        if (refresh) {
            checks().check(managed.values().stream()
                    .filter(m -> (module == null || m.assignment().module.equals(module)) && wanted.test(m.server().name()))
                    .toList(), LABD);
        }
        Map<String, StateRow> rows = new LinkedHashMap<>();
        store.states().forEach(r -> rows.put(key(r.module, r.server), r));
        List<ServerModuleStatus> out = new ArrayList<>();
        for (StateRow r : rows.values()) {
            if (!REMOVED.equals(r.state)) {
                out.add(status(r));
            }
        }
        for (Managed m : managed.values()) {
            if (!rows.containsKey(key(m.assignment().module, m.server().name()))) {
                out.add(new ServerModuleStatus(m.server().name(), m.assignment().module, m.assignment().version,
                        m.assignment().revision, ServerModuleStatus.PENDING, null, null, null, "not run yet"));
            }
        }
        return out.stream()
                .filter(s -> (module == null || s.module().equals(module)) && wanted.test(s.server()))
                .sorted(Comparator.comparing(ServerModuleStatus::module).thenComparing(ServerModuleStatus::server))
                .toList();
    }

    private static ServerModuleStatus status(StateRow r) {
        String state = HELD.equals(r.state) ? ServerModuleStatus.PENDING : r.state;
        return new ServerModuleStatus(r.server, r.module, r.version, r.revision, state, r.lastRunId, r.lastRun,
                r.lastCheck, r.detail);
    }

    public ModuleRun run(Identity caller, String id) {
        RunRow r;
        try {
            r = store.run(UUID.fromString(id).toString()).orElse(null);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-run-id", "'" + id + "' is not a run id; run ids are UUIDs, as "
                    + "labctl modules status shows them");
        }
        if (r == null) {
            throw ApiException.notFound("run-not-found", "no module run " + id + "; see labctl modules status");
        }
        AccessDecisions access = AccessDecisions.present(decisions);
        access.require(caller, access.onServer(Action.READ, r.server));
        ModuleReport report = null;
        if (r.report != null) {
            try {
                report = Json.json().readValue(r.report, ModuleReport.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("the stored report of run " + id + " is not a module report", e);
            }
        }
        return new ModuleRun(r.id, r.server, r.module, r.version, r.revision, r.action, r.status, r.createdBy,
                r.started, r.ended, report);
    }

    // ---------------------------------------------------------------- what labd manages

    /** A server an assignment manages now. */
    record Managed(RevisionRow assignment, ServerInfo server, RepoEntry entry) {}

    /**
     * Every (module, server) an assignment in force manages: the server matches its selector and the module's own
     * targets. Where two assignments of a module match one server, the newer revision manages it.
     */
    Map<String, Managed> managed() {
        Map<String, Managed> out = new LinkedHashMap<>();
        for (RevisionRow a : store.assignments().stream().sorted(Comparator.comparingInt(r -> r.revision)).toList()) {
            RepoEntry entry = entryOrNull(a.module, a.version);
            if (entry == null || entry.descriptor() == null) {
                LOG.warn("{}@{} (revision {}) is assigned but not in labd's repository", a.module, a.version, a.revision);
                continue;
            }
            Set<String> targets = moduleTargets(entry.descriptor());
            for (ServerInfo s : registry.list(Selector.parse(a.selector))) {
                if (targets.contains(s.name())) {
                    out.put(key(a.module, s.name()), new Managed(a, s, entry));
                }
            }
        }
        return out;
    }

    static String key(String module, String server) {
        return module + "\0" + server;
    }

    ModuleStore store() {
        return store;
    }

    Rollout rollout() {
        return rollout;
    }

    /** What modules require of each other, over what is assigned where now. */
    Requirements requirements() {
        return Requirements.of(managed(), store.states());
    }

    Checks checks() {
        return new Checks(this, store, rollout, audit);
    }
}
