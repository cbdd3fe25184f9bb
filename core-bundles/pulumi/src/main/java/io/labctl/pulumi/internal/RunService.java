package io.labctl.pulumi.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.labctl.api.ApiException;
import io.labctl.api.Sealer;
import io.labctl.api.audit.AuditWriter;
import io.labctl.api.environments.Environments;
import io.labctl.api.web.Caller;
import io.labctl.persistence.Database;
import io.labctl.persistence.Schema;
import io.labctl.persistence.Sessions;
import io.labctl.protocol.InvalidInput;
import io.labctl.protocol.Json;
import io.labctl.protocol.Names;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import io.labctl.protocol.environments.EnvironmentInfo;
import io.labctl.protocol.pulumi.EngineInfo;
import io.labctl.protocol.pulumi.PulumiRun;
import io.labctl.protocol.pulumi.RunLine;
import io.labctl.protocol.pulumi.RunRequest;
import io.labctl.pulumi.engine.EngineException;
import io.labctl.pulumi.engine.EngineOutcome;
import io.labctl.pulumi.engine.EngineRun;
import io.labctl.pulumi.engine.EngineStatus;
import io.labctl.pulumi.engine.Operation;
import io.labctl.pulumi.engine.PulumiEngine;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs of the Pulumi engine on labd's host: plan (a preview), apply (an update), destroy, each of one program's
 * project in one environment (its stack). A run is recorded before the engine starts, holds its stack's lock (one
 * running run per stack, in the database so it holds across labd instances), keeps the engine's output as its log,
 * and ends with a status, a change summary and the stack's outputs (secret ones masked, never stored). Plans and
 * applies need {@code apply} on the whole environment (a plan runs program code with the stack's credentials),
 * destroys need {@code destroy}; reading runs needs {@code read} there.
 */
@Component(service = RunService.class, configurationPid = "io.labctl.pulumi",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = PulumiConfig.class)
public final class RunService {
    static final String SOURCE = "labd";
    private static final Logger LOG = LoggerFactory.getLogger(RunService.class);
    static final TypeReference<Map<String, Integer>> CHANGES = new TypeReference<>() {};
    static final TypeReference<Map<String, String>> OUTPUTS = new TypeReference<>() {};
    private static final int MAX_LIST = 1000;
    private static final Set<String> PROGRAM_KINDS = Set.of(PulumiRun.PLAN, PulumiRun.APPLY, PulumiRun.DESTROY,
            PulumiRun.PLAN_DESTROY);
    private static final long MAX_SETTINGS_BYTES = 64 * 1024;

    private final Sessions sessions;
    private final Database database;
    private final Sealer sealer;
    private final PulumiEngine engine;
    private final AuditWriter audit;
    private final String backendUrl;
    private final Path stacks;
    private final int maxLines;
    private final String labd;
    private final ExecutorService runners;
    private final ScheduledExecutorService logFlusher;
    private final Semaphore slots;
    private final int concurrentRuns;
    private final SecureRandom random = new SecureRandom();
    /** The runs this labd drives, by id: cancelling one interrupts its runner. */
    private final Map<String, Future<?>> driving = new ConcurrentHashMap<>();
    private final Map<String, String> cancelledBy = new ConcurrentHashMap<>();
    /** Runs this labd has ended, counted: a follower waits on it instead of sleeping out its poll. */
    private final AtomicLong endings = new AtomicLong();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile Environments environments;

    @Activate
    public RunService(@Reference Database database, @Reference Sealer sealer, @Reference PulumiEngine engine,
                      @Reference AuditWriter audit, @Reference(target = "(labctl.schema=pulumi)") Schema schema,
                      PulumiConfig config) {
        this(database, sealer, engine, audit, backend(config), stacksFolder(config),
                Math.max(1, config.maxConcurrentRuns()), Math.max(100, config.maxLinesPerRun()), instanceName());
    }

    RunService(Database database, Sealer sealer, PulumiEngine engine, AuditWriter audit, String backendUrl,
               Path stacks, int concurrentRuns, int maxLines, String labd) {
        this.database = database;
        this.sessions = database.sessions(RunMapper.class);
        this.sealer = sealer;
        this.engine = engine;
        this.audit = audit;
        this.backendUrl = backendUrl;
        this.stacks = stacks;
        if (backendUrl.startsWith("file:")) {
            try {
                Files.createDirectories(Path.of(java.net.URI.create(backendUrl)));
            } catch (IOException | RuntimeException e) {
                LOG.warn("the Pulumi state folder {} could not be made: {}", backendUrl, e.toString());
            }
        }
        this.maxLines = maxLines;
        this.labd = labd;
        AtomicInteger threads = new AtomicInteger();
        this.slots = new Semaphore(concurrentRuns);
        this.concurrentRuns = concurrentRuns;
        // a thread per run, waiting for a slot: a waiting run is cancelled like a running one (interrupted)
        this.runners = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "labd-pulumi-run-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.logFlusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "labd-pulumi-log");
            t.setDaemon(true);
            return t;
        });
        int abandoned = sessions.mapper(RunMapper.class, m -> m.abandon(labd, "labd stopped while the run was going;"
                + " the engine's state may hold a pending operation: run plan again to see where the stack is"));
        if (abandoned > 0) {
            LOG.warn("{} Pulumi run(s) this labd was driving when it stopped are marked failed", abandoned);
        }
    }

    @Deactivate
    void stop() {
        // interrupting a runner cancels its engine (SIGINT, then kill): a stopping labd leaves no engine behind
        runners.shutdownNow();
        try {
            runners.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        logFlusher.shutdownNow();
    }

    public EngineInfo engine() {
        EngineStatus s = engine.status();
        return new EngineInfo(s.available(), s.binary(), s.version(), s.problem());
    }

    /** Records a run and starts it; the answer is the running run (its log and end are read by id). */
    public PulumiRun start(Caller caller, RunRequest request) {
        if (request == null) {
            throw ApiException.badRequest("missing-body", "send a JSON run: kind (plan, apply, destroy or plan-destroy),"
                    + " environment, program, file");
        }
        if (request.kind() == null || !PROGRAM_KINDS.contains(request.kind())) {
            throw ApiException.badRequest("invalid-kind", "kind must be plan, apply, destroy or plan-destroy"
                    + (request.kind() == null ? "" : ", not '" + request.kind() + "'")
                    + " (apps are installed, upgraded and uninstalled with labctl apps)");
        }
        Operation operation = operation(request.kind());
        String environment;
        Programs.Program program;
        String file;
        try {
            environment = Names.require("env", request.environment());
            file = Programs.fileName(request.file());
            program = Programs.read(request.program(), file);
        } catch (InvalidInput e) {
            throw ApiException.badRequest(e.code(), e.getMessage());
        }
        EnvironmentInfo env = Environments.present(environments).require(environment);
        caller.require(on(action(request.kind()), env.cloud(), env.name()));
        return launch(caller, new Launch(request.kind(), operation, env, program.project(), null, file,
                program.digest(), folder -> writeAtomically(folder, "Pulumi.yaml", program.text()), Map.of(),
                Set.of(), row -> { }));
    }

    /** What labd writes into a stack's folder before the engine starts. */
    @FunctionalInterface
    interface ProgramFiles {
        void write(Path folder) throws IOException;
    }

    /**
     * One run to record and start, its access already decided. {@code app} is the app whose stack it is (null for a
     * program's run): a stack belongs to an app or to programs, never both. {@code recorded} runs in the transaction
     * that records the run (it holds the stack's lock), so what it writes is serialised per stack.
     */
    record Launch(String kind, Operation operation, EnvironmentInfo env, String project, String app, String program,
                  String digest, ProgramFiles files, Map<String, String> config, Set<String> secretKeys,
                  java.util.function.Consumer<RunRow> recorded) {}

    /** Records the run (holding the stack's lock), prepares the stack's folder and starts the engine. */
    PulumiRun launch(Caller caller, Launch launch) {
        EngineStatus status = engine.status();
        if (!status.available()) {
            throw ApiException.unavailable("engine-unavailable", status.problem());
        }
        RunRow row = new RunRow();
        row.id = "r-" + HexFormat.of().formatHex(randomBytes(6));
        row.kind = launch.kind();
        row.environment = launch.env().name();
        row.cloud = launch.env().cloud();
        row.project = launch.project();
        row.app = launch.app();
        row.username = caller.identity().name();
        row.program = launch.program();
        row.digest = launch.digest();
        row.labd = labd;
        RunMapper.StackRow stack = database.transaction(() -> {
            if (sessions.mapper(RunMapper.class, m -> m.insertRun(row)) == 0) {
                throw locked(sessions.mapper(RunMapper.class, m -> m.running(row.project, row.environment)),
                        row.project, row.environment);
            }
            String other = sessions.mapper(RunMapper.class, m -> m.otherOwner(row.project, row.environment, row.id,
                    row.app));
            if (other != null) {
                throw ApiException.conflict("stack-owned", "stack " + row.project + "/" + row.environment
                        + (other.isEmpty() ? " is run from program files (labctl apply -f): an app cannot share it;"
                        + " destroy it first or use another environment"
                        : " belongs to app " + other + ": use labctl apps upgrade|uninstall " + other));
            }
            launch.recorded().accept(row);
            return stack(row.project, row.environment);
        });
        // from here the run is recorded as running: whatever fails before its runner starts must end it
        EngineRun run;
        try {
            String passphrase = new String(sealer.open(stack.sealed, purpose(row.project, row.environment)),
                    StandardCharsets.UTF_8);
            Path folder = stackFolder(row.project, row.environment, stack.settings);
            launch.files().write(folder);
            run = new EngineRun(launch.operation(), row.project, row.environment, folder, backendUrl, passphrase,
                    launch.config(), launch.secretKeys(), Map.of());
        } catch (IOException | RuntimeException e) {
            endRun(row, PulumiRun.FAILED, null, "labd could not prepare the run: " + e.getMessage());
            throw ApiException.unavailable("run-failed", "labd could not prepare the run: " + e.getMessage());
        }
        String session = caller.sessionId();
        // in the map before it runs: a quick run's end removes it, never the other way round
        FutureTask<Void> task = new FutureTask<>(() -> drive(row, run, session), null);
        driving.put(row.id, task);
        try {
            runners.execute(task);
        } catch (RejectedExecutionException e) {
            driving.remove(row.id);
            endRun(row, PulumiRun.FAILED, null, "labd is stopping; the run did not start");
            throw ApiException.unavailable("labd-stopping", "labd is stopping; the run did not start: try again");
        }
        return toRun(sessions.mapper(RunMapper.class, m -> m.run(row.id)));
    }

    private void drive(RunRow row, EngineRun run, String session) {
        long started = System.nanoTime();
        RunLog log = new RunLog(row.id, sessions, maxLines, logFlusher);
        String status = PulumiRun.FAILED;
        EngineOutcome outcome = null;
        String error = null;
        boolean slot = false;
        try {
            log.line("[labd] " + row.kind + " of " + row.program + " (project " + row.project + ") in "
                    + row.environment + ", run " + row.id + " by " + row.username);
            if (!slots.tryAcquire()) {
                log.line("[labd] waiting for a free runner (" + concurrentRuns + " runs at a time)");
                slots.acquire();
            }
            slot = true;
            outcome = engine.run(run, log::line);
            status = PulumiRun.SUCCEEDED;
        } catch (InterruptedException e) {
            status = PulumiRun.CANCELLED;
            error = "cancelled by " + cancelledBy.getOrDefault(row.id, "labd stopping") + " before it started";
        } catch (EngineException.Cancelled e) {
            status = PulumiRun.CANCELLED;
            error = "cancelled by " + cancelledBy.getOrDefault(row.id, "labd stopping") + ": " + e.getMessage();
        } catch (EngineException e) {
            error = e.getMessage();
        } catch (RuntimeException e) {
            LOG.warn("Pulumi run {} failed in labd", row.id, e);
            error = "labd failed while driving the engine: " + e;
        } finally {
            if (slot) {
                slots.release();
            }
            log.line("[labd] run " + row.id + " " + status + (error == null ? "" : ": " + error));
            log.close();
            row.cancelledBy = cancelledBy.remove(row.id);
            saveSettings(row, run.programDir());
            endRun(row, status, outcome, error);
            driving.remove(row.id);
            synchronized (endings) {
                endings.incrementAndGet();
                endings.notifyAll();
            }
        }
        long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
        try {
            audit.record(new AuditWriter.Event(row.username, session, SOURCE, "pulumi." + row.kind + ".end",
                    "stack/" + row.project + "/" + row.environment), PulumiRun.SUCCEEDED.equals(status) ? "ok"
                    : "failed", ms, error, summary(row, outcome));
        } catch (RuntimeException e) {
            LOG.error("Pulumi run {} ended ({}) but its audit row could not be written", row.id, status, e);
        }
    }

    private void endRun(RunRow row, String status, EngineOutcome outcome, String error) {
        row.status = status;
        row.error = error;
        row.changes = outcome == null ? null : json(outcome.changes());
        row.outputs = outcome == null ? null : json(masked(outcome.outputs()));
        sessions.mapper(RunMapper.class, m -> m.end(row));
    }

    /** Stops a running run: its engine is asked to stop, as Ctrl-C does. Needs what starting it needed. */
    public PulumiRun cancel(Caller caller, String id) {
        RunRow row = row(caller, id);
        caller.require(on(action(row.kind), row.cloud, row.environment));
        if (!PulumiRun.RUNNING.equals(row.status)) {
            throw ApiException.conflict("run-ended", "run " + id + " has already ended (" + row.status + ")");
        }
        Future<?> runner = driving.get(id);
        if (runner == null) {
            throw ApiException.conflict("run-elsewhere", "run " + id + " is driven by labd " + row.labd
                    + "; cancel it there");
        }
        cancelledBy.putIfAbsent(id, caller.identity().name());
        runner.cancel(true);
        return toRun(row);
    }

    public PulumiRun get(Caller caller, String id) {
        return toRun(row(caller, id));
    }

    /** The runs the caller may read, newest first; environment and app narrow them. */
    public List<PulumiRun> list(Caller caller, String environment, String app, int limit) {
        return list(caller::may, environment, app, limit);
    }

    /** As {@link #list(Caller, String, String, int)}, for whoever {@code may} decides for (the shell's user). */
    public List<PulumiRun> list(java.util.function.Predicate<Permission> may, String environment, String app,
                                int limit) {
        String env = blankToNull(environment);
        String a = blankToNull(app);
        try {
            if (env != null) {
                Names.require("env", env);
            }
        } catch (InvalidInput e) {
            throw ApiException.badRequest(e.code(), e.getMessage());
        }
        int n = Math.max(1, Math.min(limit, MAX_LIST));
        return sessions.mapper(RunMapper.class, m -> m.runs(env, a, n)).stream()
                .filter(r -> may.test(on(Action.READ, r.cloud, r.environment))).map(RunService::toRun).toList();
    }

    /** The run's lines after {@code after}, at most limit; the caller must be able to read the run. */
    public List<RunLine> lines(String id, long after, int limit) {
        return sessions.mapper(RunMapper.class, m -> m.lines(id, after, limit)).stream()
                .map(l -> new RunLine(l.seq, l.text)).toList();
    }

    /** The run, once the caller may read it (404 for an unknown id, 403 when not allowed). */
    RunRow row(Caller caller, String id) {
        if (!PulumiRun.validId(id)) {
            throw ApiException.badRequest("invalid-run", "'" + id + "' is not a run id: r- and 12 hex digits, as"
                    + " 'labctl get runs' shows");
        }
        RunRow row = sessions.mapper(RunMapper.class, m -> m.run(id));
        if (row == null) {
            throw ApiException.notFound("run-not-found", "no run " + id + " (labctl get runs lists them)");
        }
        caller.require(on(Action.READ, row.cloud, row.environment));
        return row;
    }

    /** How many runs this labd has ended so far; with {@link #awaitEnding} a follower learns of an end at once. */
    long endings() {
        return endings.get();
    }

    /**
     * Waits at most {@code millis} for a run driven here to end after {@code seen} was read (a run driven by another
     * labd is seen at the next poll).
     */
    void awaitEnding(long seen, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        synchronized (endings) {
            for (long left = millis; endings.get() == seen && left > 0;
                 left = (deadline - System.nanoTime()) / 1_000_000) {
                endings.wait(left);
            }
        }
    }

    String status(String id) {
        RunRow row = sessions.mapper(RunMapper.class, m -> m.run(id));
        return row == null ? null : row.status;
    }

    /** The stack's row, made with a fresh random passphrase on its first run. */
    private RunMapper.StackRow stack(String project, String environment) {
        RunMapper.StackRow stack = sessions.mapper(RunMapper.class, m -> m.stack(project, environment));
        if (stack == null) {
            String fresh = Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32));
            byte[] s = sealer.seal(fresh.getBytes(StandardCharsets.UTF_8), purpose(project, environment));
            sessions.mapper(RunMapper.class, m -> m.insertStack(project, environment, s));
            stack = sessions.mapper(RunMapper.class, m -> m.stack(project, environment));
        }
        return stack;
    }

    private static String purpose(String project, String environment) {
        return "pulumi-passphrase:" + project + "/" + environment;
    }

    /** Keeps the stack's settings file as the engine left it, for the next run on any labd. */
    private void saveSettings(RunRow row, Path folder) {
        Path settings = folder.resolve(settingsFile(row.environment));
        try {
            if (Files.isRegularFile(settings) && Files.size(settings) <= MAX_SETTINGS_BYTES) {
                String text = Files.readString(settings);
                sessions.mapper(RunMapper.class, m -> m.saveSettings(row.project, row.environment, text));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("run {}: the stack's settings {} could not be kept: {}", row.id, settings, e.toString());
        }
    }

    static String settingsFile(String environment) {
        return "Pulumi." + environment + ".yaml";
    }

    /**
     * The stack's folder, with the stack's settings as the last run left them. The folder stays between runs: the
     * engine keeps the stack's settings there (Pulumi.ENV.yaml, with the salt of its secrets).
     */
    private Path stackFolder(String project, String environment, String settings) throws IOException {
        Path folder = stacks.resolve(project).resolve(environment);
        Files.createDirectories(folder);
        if (settings != null) {
            writeAtomically(folder, settingsFile(environment), withoutConfig(settings).getBytes(StandardCharsets.UTF_8));
        }
        return folder;
    }

    /**
     * The settings without their {@code config:}: labd hands the engine a run's whole configuration every time, so a
     * key set by an earlier run (an input a rollback's revision never had) must not linger for the program to read.
     * What stays is the secrets provider's state (the salt).
     */
    static String withoutConfig(String settings) throws IOException {
        com.fasterxml.jackson.databind.JsonNode tree = Json.yaml().readTree(settings);
        if (tree instanceof com.fasterxml.jackson.databind.node.ObjectNode o && o.has("config")) {
            o.remove("config");
            return Json.yaml().writeValueAsString(o);
        }
        return settings;
    }

    /** Writes a file of the stack's folder whole or not at all (a run that failed to start leaves no half file). */
    static void writeAtomically(Path folder, String name, byte[] content) throws IOException {
        writeAtomically(folder, name, new java.io.ByteArrayInputStream(content));
    }

    static void writeAtomically(Path folder, String name, java.io.InputStream content) throws IOException {
        Path next = folder.resolve("." + name + ".next");
        Files.copy(content, next, StandardCopyOption.REPLACE_EXISTING);
        Files.move(next, folder.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static ApiException locked(RunRow holder, String project, String environment) {
        if (holder == null) {
            return ApiException.conflict("stack-locked", "stack " + project + "/" + environment + " was just locked"
                    + " by another run; try again");
        }
        return ApiException.conflict("stack-locked", "stack " + project + "/" + environment + " is locked by run "
                + holder.id + " (" + holder.kind + " by " + holder.username + ", started " + holder.startedAt
                + "); wait for it (labctl logs pulumi/" + holder.id + " -f) or cancel it");
    }

    static Operation operation(String kind) {
        if (PulumiRun.PLAN.equals(kind)) {
            return Operation.PREVIEW;
        }
        if (PulumiRun.APPLY.equals(kind)) {
            return Operation.UP;
        }
        if (PulumiRun.DESTROY.equals(kind)) {
            return Operation.DESTROY;
        }
        if (PulumiRun.PLAN_DESTROY.equals(kind)) {
            return Operation.PREVIEW_DESTROY;
        }
        if (PulumiRun.INSTALL.equals(kind) || PulumiRun.UPGRADE.equals(kind) || PulumiRun.ROLLBACK.equals(kind)) {
            return Operation.UP;
        }
        if (PulumiRun.UNINSTALL.equals(kind)) {
            return Operation.DESTROY;
        }
        throw ApiException.badRequest("invalid-kind", "kind must be plan, apply, destroy or plan-destroy"
                + (kind == null ? "" : ", not '" + kind + "'"));
    }

    /** Plans, applies, installs, upgrades and rollbacks need apply; a destroy, its plan and an uninstall, destroy. */
    static Action action(String kind) {
        return PulumiRun.DESTROY.equals(kind) || PulumiRun.PLAN_DESTROY.equals(kind) || PulumiRun.UNINSTALL.equals(kind)
                ? Action.DESTROY : Action.APPLY;
    }

    /** A run touches the whole environment: the rule must cover all of it ({@code ACTION:CLOUD:ENV:*}). */
    static Permission on(Action action, String cloud, String environment) {
        return Permission.on(action, cloud, environment, Permission.ANY);
    }

    static Map<String, String> masked(Map<String, EngineOutcome.Output> outputs) {
        Map<String, String> out = new LinkedHashMap<>();
        outputs.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.put(e.getKey(), e.getValue().secret() ? PulumiRun.SECRET : e.getValue().json()));
        return out;
    }

    private static String summary(RunRow row, EngineOutcome outcome) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("run", row.id);
        s.put("program", row.program);
        s.put("digest", row.digest);
        s.put("status", row.status);
        if (outcome != null) {
            s.put("changes", outcome.changes());
            s.put("outputs", masked(outcome.outputs()).keySet());
        }
        return json(s);
    }

    static PulumiRun toRun(RunRow r) {
        return new PulumiRun(r.id, r.kind, r.environment, r.cloud, r.project, r.project + "/" + r.environment,
                r.username, r.program, r.digest, r.status, r.startedAt, r.endedAt, read(r.changes, CHANGES),
                read(r.outputs, OUTPUTS), r.error, r.cancelledBy, r.app);
    }

    /** A stored JSON column as {@code type}; null stays null. */
    static <T> T read(String json, TypeReference<T> type) {
        if (json == null) {
            return null;
        }
        try {
            return Json.json().readValue(json, type);
        } catch (IOException e) {
            throw new IllegalStateException("a stored " + type.getType() + " is not JSON", e);
        }
    }

    static String json(Object value) {
        try {
            return Json.json().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static String backend(PulumiConfig config) {
        if (!config.backendUrl().isBlank()) {
            String url = config.backendUrl().strip();
            if (url.startsWith("http")) {
                throw new IllegalArgumentException("backendUrl " + url + ": labd keeps state in a folder or an object"
                        + " store it controls, never Pulumi Cloud");
            }
            return url;
        }
        return dataFolder().resolve("pulumi").resolve("state").toUri().toString();
    }

    private static Path stacksFolder(PulumiConfig config) {
        return config.workDirectory().isBlank() ? dataFolder().resolve("pulumi").resolve("stacks")
                : Path.of(config.workDirectory());
    }

    private static Path dataFolder() {
        return Path.of(System.getProperty("karaf.data", "data")).toAbsolutePath();
    }

    /** This labd among several on one database: its host and data folder. */
    private static String instanceName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        return host + ":" + dataFolder();
    }
}
