package io.labctl.pulumi.engine.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.pulumi.automation.AutomationException;
import com.pulumi.automation.CommandException;
import com.pulumi.automation.CommandResult;
import com.pulumi.automation.CommandRunOptions;
import com.pulumi.automation.ConcurrentUpdateException;
import com.pulumi.automation.PulumiCommand;
import com.pulumi.automation.StackAlreadyExistsException;
import com.pulumi.automation.StackNotFoundException;
import com.pulumi.automation.Version;
import com.pulumi.automation.events.EngineEvent;
import com.pulumi.automation.serialization.internal.LocalSerializer;

/**
 * The SDK's {@link PulumiCommand} for one run, in place of its {@code LocalPulumiCommand}, which runs the binary
 * the same way (arguments, {@code --non-interactive}, {@code --event-log}) but cannot be cancelled (an interrupted
 * wait leaves the engine running), always runs {@code pulumi} from PATH, reads unbounded lines, waits forever for
 * an event log that a killed engine never finishes, and needs a gRPC server (netty) for the event log of newer
 * engines. This one: a configured binary, a clean environment, SIGINT then kill on interrupt, bounded lines, the
 * file event log (every engine version writes it), and {@code --stack} on every stack command so that two stacks of
 * one program folder never race on the workspace's "current stack".
 */
final class EngineCommand implements PulumiCommand {
    static final int MAX_LINE = 8 * 1024;
    static final String TRUNCATED = " [line truncated by labd: %d more characters]";
    private static final int MAX_KEPT = 16 * 1024 * 1024;
    private static final int MAX_EVENT_LINE = 4 * 1024 * 1024;
    private static final Pattern NOT_FOUND = Pattern.compile("no stack named.*found");
    private static final Pattern ALREADY_EXISTS = Pattern.compile("stack.*already exists");
    private static final Set<String> STACK_SCOPED = Set.of("preview", "up", "destroy", "refresh");

    private final Path binary;
    private final Version version;
    private final Map<String, String> environment;
    private final String stack;
    private final Duration grace;
    private final Scrubber scrubber;
    private final Consumer<String> lines;
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean cancelled;
    private volatile boolean killed;
    private volatile String lastError = "";
    // engine processes' wall time as this side saw it (start to exit), for bench/pulumi-engine-overhead.sh
    private long engineNanos;
    private long firstStart;
    private long lastEnd;
    private int invocations;

    /** Thrown through the SDK when the run was cancelled; the driver turns it into EngineException.Cancelled. */
    static final class CancelledException extends AutomationException {
        private static final long serialVersionUID = 1L;

        CancelledException(String message) {
            super(message);
        }
    }

    EngineCommand(Path binary, Version version, Map<String, String> environment, String stack, Duration grace,
                  Scrubber scrubber, Consumer<String> lines) {
        this.binary = binary;
        this.version = version;
        this.environment = Map.copyOf(environment);
        this.stack = stack;
        this.grace = grace;
        this.scrubber = scrubber;
        this.lines = lines;
    }

    @Override
    public Version version() {
        return version;
    }

    Scrubber scrubber() {
        return scrubber;
    }

    boolean cancelled() {
        return cancelled;
    }

    /** The standard error of the last command that failed (the SDK's exception does not keep it). */
    String lastError() {
        return lastError;
    }

    /** Invocations, their summed wall time, and the first start and last exit (System.nanoTime()). */
    synchronized long[] timings() {
        return new long[] {invocations, engineNanos, firstStart, lastEnd};
    }

    private synchronized void timed(long start, long end) {
        if (invocations++ == 0) {
            firstStart = start;
        }
        engineNanos += end - start;
        lastEnd = end;
    }

    boolean killed() {
        return killed;
    }

    /** The engine's error diagnostics of this run, as it reported them (scrubbed). */
    List<String> errors() {
        synchronized (errors) {
            return List.copyOf(errors);
        }
    }

    @Override
    public CommandResult run(List<String> args, CommandRunOptions options) throws AutomationException {
        if (Thread.interrupted()) {
            cancelled = true;
            throw new CancelledException("cancelled before the engine started");
        }
        Consumer<EngineEvent> onEvent = options.onEngineEvent();
        boolean streamed = onEvent != null;
        List<String> argv = new ArrayList<>();
        argv.add(binary.toString());
        argv.addAll(args);
        if (!argv.contains("--stack") && stackScoped(args)) {
            argv.add("--stack");
            argv.add(stack);
        }
        if (!argv.contains("--non-interactive")) {
            argv.add("--non-interactive");
        }
        Path eventDir = null;
        Path eventLog = null;
        try {
            if (streamed) {
                eventDir = Files.createTempDirectory("labctl-pulumi-events-");
                eventLog = eventDir.resolve("eventlog.txt");
                Files.createFile(eventLog);
                argv.add("--event-log");
                argv.add(eventLog.toString());
            }
            ProcessBuilder pb = new ProcessBuilder(argv);
            if (options.workingDir() != null) {
                pb.directory(options.workingDir().toFile());
            }
            Map<String, String> env = pb.environment();
            // labd's own environment stays out, but for what a process needs to run at all
            Map<String, String> inherited = Map.copyOf(env);
            env.clear();
            for (String name : List.of("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "USER")) {
                if (inherited.containsKey(name)) {
                    env.put(name, inherited.get(name));
                }
            }
            if (options.additionalEnv() != null) {
                env.putAll(options.additionalEnv());
            }
            env.putAll(environment);
            // the engine finds its language host (pulumi-language-yaml) and bundled plugins beside itself on PATH
            String path = env.get("PATH");
            env.put("PATH", binary.toAbsolutePath().getParent() + (path == null || path.isEmpty() ? "" : ":" + path));
            if (streamed) {
                // older engines write the event log only with this set
                env.put("PULUMI_DEBUG_COMMANDS", "true");
            }
            long started = System.nanoTime();
            Process process = pb.start();
            Collector out = new Collector(process.getInputStream(), streamed ? this::line : null);
            Collector err = new Collector(process.getErrorStream(), streamed ? this::line : null);
            out.start();
            err.start();
            EventTail tail = streamed ? new EventTail(eventLog, process, onEvent) : null;
            if (tail != null) {
                tail.start();
            }
            try (OutputStream in = process.getOutputStream()) {
                if (options.standardInput() != null) {
                    in.write(options.standardInput().getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // the engine did not read its input; its own error says why
            }
            int code = await(process);
            timed(started, System.nanoTime());
            out.join();
            err.join();
            if (tail != null) {
                tail.join();
            }
            if (cancelled) {
                throw new CancelledException("cancelled");
            }
            CommandResult result = new CommandResult(code, normalise(args, out.text()), err.text());
            if (code != 0) {
                lastError = scrubber.scrub(result.standardError());
                throw failure(result);
            }
            return result;
        } catch (AutomationException e) {
            throw e;
        } catch (InterruptedException e) {
            cancelled = true;
            throw new CancelledException("cancelled");
        } catch (IOException e) {
            throw new AutomationException("could not run " + binary + ": " + e.getMessage());
        } finally {
            if (eventDir != null) {
                try {
                    Files.deleteIfExists(eventLog);
                    Files.deleteIfExists(eventDir);
                } catch (IOException e) {
                    // a temp file left behind; the OS cleans temp folders
                }
            }
        }
    }

    private static boolean stackScoped(List<String> args) {
        if (args.isEmpty()) {
            return false;
        }
        if (STACK_SCOPED.contains(args.get(0))) {
            return true;
        }
        return args.size() > 1 && args.get(0).equals("stack")
                && (args.get(1).equals("output") || args.get(1).equals("history"));
    }

    /** Waits for the engine; an interrupt asks it to stop as Ctrl-C does, and kills it after the grace period. */
    private int await(Process process) throws InterruptedException {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            cancelled = true;
        }
        signalInterrupt(process);
        long deadline = System.nanoTime() + grace.toNanos();
        while (process.isAlive()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                killed = true;
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                break;
            }
            try {
                process.waitFor(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException again) {
                // already cancelling; a second interrupt does not shorten the engine's grace
            }
        }
        boolean again = false;
        while (true) {
            try {
                int code = process.waitFor();
                if (again) {
                    Thread.currentThread().interrupt();
                }
                return code;
            } catch (InterruptedException e) {
                again = true;
            }
        }
    }

    /** Java can only TERM or KILL a process; the engine cancels gracefully on SIGINT, so kill(1) sends that. */
    private static void signalInterrupt(Process process) {
        try {
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            kill.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            process.destroy(); // no kill(1): SIGTERM is the closest the JDK offers
        } catch (InterruptedException e) {
            // cancelling already
        }
    }

    private void line(String text) {
        lines.accept(scrubber.scrub(text));
    }

    private static CommandException failure(CommandResult result) {
        String err = result.standardError();
        if (NOT_FOUND.matcher(err).find()) {
            return new StackNotFoundException(result);
        }
        if (ALREADY_EXISTS.matcher(err).find()) {
            return new StackAlreadyExistsException(result);
        }
        if (err.contains("the stack is currently locked by") || err.contains("[409] Conflict")) {
            return new ConcurrentUpdateException(result);
        }
        return new CommandException(result);
    }

    /**
     * The SDK reads {@code stack output --json} as a map of strings, which fails on any object or list output and
     * loses the type of the rest: each value is handed over as its JSON text instead (a masked secret stays the
     * SDK's "[secret]" marker).
     */
    private static String normalise(List<String> args, String stdout) {
        if (!(args.size() > 1 && args.get(0).equals("stack") && args.get(1).equals("output") && args.contains("--json"))
                || stdout.isBlank()) {
            return stdout;
        }
        boolean masked = !args.contains("--show-secrets");
        JsonObject in = JsonParser.parseString(stdout).getAsJsonObject();
        JsonObject out = new JsonObject();
        for (Map.Entry<String, JsonElement> e : in.entrySet()) {
            JsonElement v = e.getValue();
            boolean marker = masked && v.isJsonPrimitive() && v.getAsJsonPrimitive().isString()
                    && v.getAsString().equals("[secret]");
            out.addProperty(e.getKey(), marker ? "[secret]" : v.toString());
        }
        return out.toString();
    }

    /** Reads one of the engine's streams line by line, each line bounded; keeps the text up to a cap. */
    private static final class Collector extends Thread {
        private final Reader reader;
        private final Consumer<String> lines;
        private final StringBuilder kept = new StringBuilder();

        Collector(InputStream in, Consumer<String> lines) {
            super("pulumi-engine-output");
            setDaemon(true);
            this.reader = new InputStreamReader(in, StandardCharsets.UTF_8);
            this.lines = lines;
        }

        @Override
        public void run() {
            StringBuilder line = new StringBuilder();
            long dropped = 0;
            char[] buf = new char[8192];
            try (reader) {
                int n;
                while ((n = reader.read(buf)) >= 0) {
                    for (int i = 0; i < n; i++) {
                        char c = buf[i];
                        if (c == '\n') {
                            emit(line, dropped);
                            line.setLength(0);
                            dropped = 0;
                        } else if (line.length() < MAX_KEPT_LINE) {
                            line.append(c);
                        } else {
                            dropped++;
                        }
                    }
                }
                if (line.length() > 0) {
                    emit(line, dropped);
                }
            } catch (IOException e) {
                // the stream ended with the process
            }
        }

        private static final int MAX_KEPT_LINE = 1024 * 1024;

        private void emit(StringBuilder line, long dropped) {
            int end = line.length() > 0 && line.charAt(line.length() - 1) == '\r' ? line.length() - 1 : line.length();
            if (kept.length() + end < MAX_KEPT) {
                kept.append(line, 0, end).append('\n');
            }
            if (lines != null) {
                long over = end - MAX_LINE + dropped;
                lines.accept(over > 0 ? line.substring(0, MAX_LINE) + String.format(TRUNCATED, over)
                        : line.substring(0, end));
            }
        }

        String text() {
            return kept.toString();
        }
    }

    /** Follows the engine's event log until it ends (its cancel event, or the engine gone and the file read). */
    private final class EventTail extends Thread {
        private final Path file;
        private final Process process;
        private final Consumer<EngineEvent> onEvent;

        EventTail(Path file, Process process, Consumer<EngineEvent> onEvent) {
            super("pulumi-engine-events");
            setDaemon(true);
            this.file = file;
            this.process = process;
            this.onEvent = onEvent;
        }

        @Override
        public void run() {
            LocalSerializer serializer = new LocalSerializer();
            StringBuilder partial = new StringBuilder();
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                char[] buf = new char[8192];
                while (true) {
                    int n = reader.read(buf);
                    if (n < 0) {
                        if (!process.isAlive()) {
                            // one more read: what the engine wrote just before it ended
                            n = reader.read(buf);
                            if (n < 0) {
                                return;
                            }
                        } else {
                            Thread.sleep(50);
                            continue;
                        }
                    }
                    for (int i = 0; i < n; i++) {
                        if (buf[i] != '\n') {
                            if (partial.length() < MAX_EVENT_LINE) {
                                partial.append(buf[i]);
                            }
                            continue;
                        }
                        String json = partial.toString();
                        partial.setLength(0);
                        if (json.isBlank() || json.length() >= MAX_EVENT_LINE) {
                            continue;
                        }
                        EngineEvent event;
                        try {
                            event = serializer.deserializeJson(json, EngineEvent.class);
                        } catch (RuntimeException unreadable) {
                            continue; // an event this SDK does not know; the human output still has it
                        }
                        if (event == null) {
                            continue;
                        }
                        if (event.diagnosticEvent() != null && "error".equals(event.diagnosticEvent().severity())
                                && event.diagnosticEvent().message() != null) {
                            errors.add(scrubber.scrub(event.diagnosticEvent().message().strip()));
                        }
                        onEvent.accept(event);
                        if (event.cancelEvent() != null) {
                            return;
                        }
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the log went away with the run
            }
        }
    }
}
