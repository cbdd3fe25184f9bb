package io.labctl.pulumi.engine.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.pulumi.automation.AutomationException;
import com.pulumi.automation.CommandException;
import com.pulumi.automation.CommandRunOptions;
import com.pulumi.automation.DestroyOptions;
import com.pulumi.automation.LocalWorkspace;
import com.pulumi.automation.LocalWorkspaceOptions;
import com.pulumi.automation.OperationType;
import com.pulumi.automation.OutputValue;
import com.pulumi.automation.PreviewOptions;
import com.pulumi.automation.UpOptions;
import com.pulumi.automation.UpdateSummary;
import com.pulumi.automation.Version;
import com.pulumi.automation.WorkspaceStack;
import com.pulumi.automation.events.EngineEvent;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;

import io.labctl.pulumi.engine.EngineException;
import io.labctl.pulumi.engine.EngineListener;
import io.labctl.pulumi.engine.EngineOutcome;
import io.labctl.pulumi.engine.EngineRun;
import io.labctl.pulumi.engine.EngineStatus;
import io.labctl.pulumi.engine.PulumiEngine;

/** The pulumi binary on labd's host, driven through the Pulumi Java SDK's Automation API (local YAML programs). */
@Component(service = PulumiEngine.class, configurationPid = "io.labctl.pulumi.engine")
@Designate(ocd = EngineConfig.class)
public class PulumiEngineImpl implements PulumiEngine {
    /** The oldest engine the SDK's Automation API works with (the SDK's own minimum). */
    static final Version MINIMUM = Version.of(3, 95);
    static final String INSTALL = "install the pulumi CLI (https://www.pulumi.com/docs/install/) and set pulumiBinary in"
            + " io.labctl.pulumi.engine if it is not on PATH";
    private static final long STATUS_CACHE_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int MAX_MESSAGE = 4000;
    static final Duration VERSION_TIMEOUT = Duration.ofSeconds(20);

    private final String binary;
    private final Path home;
    private final Duration grace;
    private final Duration versionTimeout;
    private volatile Cached cached;
    /** The last run's engine invocations and times (EngineCommand.timings()), for bench/ only. */
    volatile long[] lastTimings;

    private record Cached(EngineStatus status, Path path, Version version, long at) {
    }

    @Activate
    public PulumiEngineImpl(EngineConfig config) {
        this(config.pulumiBinary(),
                Path.of(config.pulumiHome().isBlank()
                        ? System.getProperty("karaf.data", "data") + "/pulumi/home" : config.pulumiHome()),
                Duration.ofSeconds(config.cancelGraceSeconds()));
    }

    PulumiEngineImpl(String binary, Path home, Duration grace) {
        this(binary, home, grace, VERSION_TIMEOUT);
    }

    PulumiEngineImpl(String binary, Path home, Duration grace, Duration versionTimeout) {
        this.versionTimeout = versionTimeout;
        if (binary == null || binary.isBlank()) {
            throw new IllegalArgumentException("pulumiBinary is empty: set it to the pulumi binary's path or name");
        }
        if (grace.isNegative() || grace.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("cancelGraceSeconds must be between 0 and 3600");
        }
        this.binary = binary;
        this.home = home.toAbsolutePath();
        this.grace = grace;
    }

    @Override
    public EngineStatus status() {
        return probe().status();
    }

    private Cached probe() {
        Cached c = cached;
        if (c != null && System.nanoTime() - c.at() < STATUS_CACHE_NANOS) {
            return c;
        }
        try {
            c = probeNow();
        } catch (RuntimeException e) {
            c = new Cached(new EngineStatus(false, binary, null, "the Pulumi engine could not be checked ("
                    + e.getMessage() + "): " + INSTALL), null, null, System.nanoTime());
        }
        cached = c;
        return c;
    }

    private Cached probeNow() {
        long now = System.nanoTime();
        Path path = locate(binary);
        if (path == null) {
            return unavailable("the Pulumi engine is not installed on labd's host (no " + binary
                    + (binary.contains("/") ? "" : " on PATH") + "): " + INSTALL, now);
        }
        if (!Files.isExecutable(path) || Files.isDirectory(path)) {
            return unavailable("the Pulumi engine at " + path + " is not an executable file: " + INSTALL, now);
        }
        String out;
        Path answer = null;
        try {
            // into a file, not a pipe: an engine that hangs cannot hang the check with it
            answer = Files.createTempFile("labctl-pulumi-version", ".txt");
            Process p = new ProcessBuilder(path.toString(), "version").redirectErrorStream(true)
                    .redirectOutput(answer.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(versionTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return unavailable("the Pulumi engine at " + path + " did not answer 'version' within "
                        + versionTimeout.toSeconds() + " s: " + INSTALL, now);
            }
            byte[] bytes;
            try (var in = Files.newInputStream(answer)) {
                bytes = in.readNBytes(4096);
            }
            out = new String(bytes, StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0) {
                return unavailable("the Pulumi engine at " + path + " failed to run ('version' exited with "
                        + p.exitValue() + "): " + INSTALL, now);
            }
        } catch (IOException e) {
            return unavailable("the Pulumi engine at " + path + " could not be started (" + e.getMessage() + "): "
                    + INSTALL, now);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Cached(new EngineStatus(false, path.toString(), null,
                    "the Pulumi engine check was interrupted; ask again"), null, null, 0);
        } finally {
            if (answer != null) {
                try {
                    Files.deleteIfExists(answer);
                } catch (IOException e) {
                    // a temp file left behind
                }
            }
        }
        String text = out.lines().reduce((a, b) -> b).orElse("").strip();
        Version version = Version.tryParse(text.startsWith("v") ? text.substring(1) : text).orElse(null);
        if (version == null) {
            return unavailable("the Pulumi engine at " + path + " reported no version it can be checked by ('"
                    + abbreviate(text, 80) + "'): " + INSTALL, now);
        }
        if (version.isLowerThan(MINIMUM) || version.majorVersion() > MINIMUM.majorVersion()) {
            return unavailable("the Pulumi engine at " + path + " is version " + version + ", labd needs 3.x from "
                    + MINIMUM + " on: install a pulumi CLI 3.x from " + MINIMUM
                    + " (https://www.pulumi.com/docs/install/) and set pulumiBinary in io.labctl.pulumi.engine", now);
        }
        return new Cached(new EngineStatus(true, path.toString(), version.toString(), null), path, version, now);
    }

    private Cached unavailable(String problem, long now) {
        return new Cached(new EngineStatus(false, binary, null, problem), null, null, now);
    }

    /** A path as configured, or a bare name looked up on PATH as a shell would. */
    static Path locate(String binary) {
        if (binary.contains("/")) {
            Path p = Path.of(binary);
            return Files.exists(p) ? p.toAbsolutePath() : null;
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, binary);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    @Override
    public EngineOutcome run(EngineRun run, EngineListener listener) throws EngineException {
        Cached engine = probe();
        if (!engine.status().available()) {
            throw new EngineException.Unavailable(engine.status().problem());
        }
        check(run);
        List<String> secrets = new ArrayList<>();
        secrets.add(run.passphrase());
        for (String key : run.secretKeys()) {
            secrets.add(run.config().get(key));
        }
        Scrubber scrubber = new Scrubber(secrets);
        Map<String, String> env = new HashMap<>(run.environment());
        // ours last: a run's environment cannot point the engine at another home, backend or Pulumi Cloud
        env.put("PULUMI_HOME", home.toString());
        env.put("PULUMI_BACKEND_URL", run.backendUrl());
        env.put("PULUMI_CONFIG_PASSPHRASE", run.passphrase());
        env.put("PULUMI_SKIP_UPDATE_CHECK", "true");
        env.remove("PULUMI_CONFIG_PASSPHRASE_FILE");
        env.remove("PULUMI_ACCESS_TOKEN");
        EngineCommand command = new EngineCommand(engine.path(), engine.version(), env, run.stack(), grace, scrubber,
                listener::line);
        try {
            return operate(run, command);
        } finally {
            lastTimings = command.timings();
        }
    }

    private EngineOutcome operate(EngineRun run, EngineCommand command) throws EngineException {
        Scrubber scrubber = command.scrubber();
        try {
            Files.createDirectories(home);
            LocalWorkspace workspace = LocalWorkspace.create(LocalWorkspaceOptions.builder()
                    .workDir(run.programDir())
                    .pulumiHome(home)
                    .pulumiCommand(command)
                    .secretsProvider("passphrase")
                    .build());
            WorkspaceStack stack = WorkspaceStack.createOrSelect(run.stack(), workspace);
            setConfig(command, run);
            java.util.function.Consumer<EngineEvent> events = e -> { };
            switch (run.operation()) {
                case PREVIEW: {
                    var result = stack.preview(PreviewOptions.builder().onEvent(events).build());
                    return new EngineOutcome(changes(result.changeSummary()), Map.of());
                }
                case UP: {
                    var result = stack.up(UpOptions.builder().onEvent(events).build());
                    return new EngineOutcome(changes(summaryChanges(result.summary())), outputs(result.outputs()));
                }
                case DESTROY: {
                    var result = stack.destroy(DestroyOptions.builder().onEvent(events).build());
                    return new EngineOutcome(changes(summaryChanges(result.summary())), Map.of());
                }
                case PREVIEW_DESTROY: {
                    // a preview writes no history: its summary is the one the engine's event log ends with
                    var summary = new java.util.concurrent.atomic.AtomicReference<Map<OperationType, Integer>>();
                    stack.destroy(DestroyOptions.builder().previewOnly(true).onEvent(e -> {
                        if (e.summaryEvent() != null) {
                            summary.set(e.summaryEvent().resourceChanges());
                        }
                    }).build());
                    if (summary.get() == null) {
                        throw new EngineException("the engine's destroy preview ended without a summary");
                    }
                    return new EngineOutcome(changes(summary.get()), Map.of());
                }
                default:
                    throw new EngineException("unknown operation " + run.operation());
            }
        } catch (EngineCommand.CancelledException e) {
            throw cancelled(command);
        } catch (CommandException e) {
            if (command.cancelled()) {
                throw cancelled(command);
            }
            throw new EngineException(scrubber.scrub(message(e, command)));
        } catch (AutomationException | IOException | RuntimeException e) {
            if (command.cancelled()) {
                throw cancelled(command);
            }
            throw new EngineException("the Pulumi engine's answer could not be used: "
                    + abbreviate(scrubber.scrub(String.valueOf(e.getMessage())), MAX_MESSAGE));
        }
    }

    private static void check(EngineRun run) throws EngineException {
        if (run.operation() == null || run.stack() == null || run.stack().isBlank()) {
            throw new EngineException("a run needs an operation and a stack name");
        }
        if (run.programDir() == null || !Files.isRegularFile(run.programDir().resolve("Pulumi.yaml"))) {
            throw new EngineException("no program at " + run.programDir() + ": the folder must hold a Pulumi.yaml");
        }
        String named = projectName(run.programDir().resolve("Pulumi.yaml"));
        if (!named.equals(run.project())) {
            throw new EngineException("the program's Pulumi.yaml names project '" + named + "' but the run is for '"
                    + run.project() + "': run the program of that project, or name the project as its Pulumi.yaml does");
        }
        String backend = run.backendUrl() == null ? "" : run.backendUrl().strip();
        if (backend.isEmpty() || backend.contains("api.pulumi.com") || backend.contains("app.pulumi.com")) {
            throw new EngineException("the run's backend is '" + backend + "': labd keeps stack state in a backend of"
                    + " its own (file:///..., or an object store), never in Pulumi Cloud");
        }
        if (run.passphrase() == null || run.passphrase().isEmpty()) {
            throw new EngineException("the run has no secrets passphrase: every stack's secrets are encrypted with one");
        }
        for (String key : run.secretKeys()) {
            if (!run.config().containsKey(key)) {
                throw new EngineException("secret key '" + key + "' has no value in the run's configuration");
            }
        }
    }

    /** The {@code name:} of a Pulumi.yaml, or a message that says why there is none. */
    private static String projectName(Path file) throws EngineException {
        Object doc;
        try {
            doc = new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(
                    new org.yaml.snakeyaml.LoaderOptions())).load(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            throw new EngineException("the program's Pulumi.yaml cannot be read (" + abbreviate(String.valueOf(
                    e.getMessage()), 200) + "): it must be a YAML mapping with name: and runtime: yaml");
        }
        if (!(doc instanceof Map<?, ?> map) || !(map.get("name") instanceof String name) || name.isBlank()) {
            throw new EngineException("the program's Pulumi.yaml has no project name: add name: to it");
        }
        return name;
    }

    /** Each value through the engine's standard input: neither secret nor plain values ever sit on a command line. */
    private static void setConfig(EngineCommand command, EngineRun run) throws AutomationException {
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(run.config()).entrySet()) {
            boolean secret = run.secretKeys().contains(e.getKey());
            command.run(List.of("config", "set", e.getKey(), secret ? "--secret" : "--plaintext", "--stack",
                    run.stack()), CommandRunOptions.builder()
                    .workingDir(run.programDir())
                    .standardInput(e.getValue())
                    .build());
        }
    }

    private EngineException cancelled(EngineCommand command) {
        return new EngineException.Cancelled(command.killed()
                ? "the run was cancelled; the engine did not stop within " + grace.toSeconds() + " s and was killed"
                : "the run was cancelled; the engine stopped");
    }

    /** The engine's own error: its error diagnostics, else the "error:" lines it printed, else its last words. */
    private static String message(CommandException e, EngineCommand command) {
        List<String> diagnostics = command.errors();
        if (!diagnostics.isEmpty()) {
            return abbreviate(String.join("; ", diagnostics), MAX_MESSAGE);
        }
        String stderr = command.lastError();
        List<String> errors = new ArrayList<>();
        List<String> all = new ArrayList<>();
        for (String line : command.lastError().lines().toList()) {
            String l = line.strip();
            if (l.startsWith("error: ")) {
                errors.add(l.substring("error: ".length()));
            } else if (!l.isEmpty()) {
                all.add(l);
            }
        }
        if (!errors.isEmpty()) {
            return abbreviate(String.join("; ", errors), MAX_MESSAGE);
        }
        if (!all.isEmpty()) {
            return abbreviate(all.get(all.size() - 1), MAX_MESSAGE);
        }
        return abbreviate(stderr.isBlank() ? "the Pulumi engine failed without a message" : stderr, MAX_MESSAGE);
    }

    private static Map<OperationType, Integer> summaryChanges(UpdateSummary summary) {
        return summary == null || summary.resourceChanges() == null ? Map.of() : summary.resourceChanges();
    }

    /** The engine's operation names: create, update, delete, replace, same (and its rarer ones as it spells them). */
    static Map<String, Integer> changes(Map<OperationType, Integer> changes) {
        Map<String, Integer> out = new LinkedHashMap<>();
        if (changes != null) {
            changes.forEach((op, n) -> out.merge(op == OperationType.READ_DISCARD ? "discard"
                    : op.name().toLowerCase(Locale.ROOT).replace('_', '-'), n, Integer::sum));
        }
        return out;
    }

    private static Map<String, EngineOutcome.Output> outputs(Map<String, OutputValue> outputs) {
        Map<String, EngineOutcome.Output> out = new LinkedHashMap<>();
        if (outputs != null) {
            // EngineCommand hands the SDK each value as its JSON text
            outputs.forEach((k, v) -> out.put(k, new EngineOutcome.Output(String.valueOf(v.value()), v.isSecret())));
        }
        return out;
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + " [...]";
    }
}
