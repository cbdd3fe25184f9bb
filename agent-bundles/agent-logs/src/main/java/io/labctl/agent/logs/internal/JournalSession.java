package io.labctl.agent.logs.internal;

import io.labctl.agent.api.StreamChannel;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A journal read: runs journalctl (an argument vector, never a shell) and copies its output to labd. journalctl
 * waits on a full pipe while labd grants no credit, so a slow reader slows it down instead of filling memory.
 * One thread serves both of its pipes, reading only what is available, so neither can fill up and stall it.
 */
final class JournalSession extends LogSession {
    static final String JOURNAL_FAILED = "journal-failed";
    static final String JOURNAL_UNAVAILABLE = "journal-unavailable";
    /** How much of journalctl's error output is kept for the error message. */
    static final int STDERR_KEPT = 4096;
    /** How long journalctl gets to end after TERM before it is killed. */
    static final Duration GRACE = Duration.ofSeconds(2);
    private static final long IDLE_MIN_MILLIS = 5;
    private static final long IDLE_MAX_MILLIS = 200;

    private final List<String> command;
    private volatile Process process;

    JournalSession(StreamChannel channel, boolean deflate, List<String> command, String description,
                   Consumer<LogSession> onEnd) {
        super(channel, deflate, description, onEnd);
        this.command = List.copyOf(command);
    }

    @Override
    void work() throws IOException, InterruptedException, Refusal {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new Refusal(JOURNAL_UNAVAILABLE, command.get(0) + " cannot be started on this agent: "
                    + e.getMessage());
        }
        process = p;
        if (stopped()) {
            return; // stopped while starting: onStop did not see the process, cleanUp ends it
        }
        InputStream out = p.getInputStream();
        InputStream err = p.getErrorStream();
        ByteTail errors = new ByteTail(STDERR_KEPT);
        byte[] buffer = new byte[CHUNK];
        byte[] errBuffer = new byte[STDERR_KEPT];
        long idle = IDLE_MIN_MILLIS;
        while (true) {
            drainAvailable(err, errBuffer, errors);
            int available = out.available();
            if (available > 0) {
                int n = out.read(buffer, 0, Math.min(available, buffer.length));
                if (n > 0) {
                    send(buffer, 0, n);
                }
                idle = IDLE_MIN_MILLIS;
            } else if (!p.isAlive()) {
                break;
            } else {
                // nothing yet (following, or journalctl is still seeking): back off, up to a follow's poll interval
                flush();
                Thread.sleep(idle);
                idle = Math.min(idle * 2, IDLE_MAX_MILLIS);
            }
        }
        // it has exited: what is left in its pipes is at most a pipe's worth
        for (int n; (n = out.read(buffer)) > 0; ) {
            send(buffer, 0, n);
        }
        for (int n; (n = err.read(errBuffer)) > 0; ) {
            errors.add(errBuffer, 0, n);
        }
        int exitCode = p.waitFor();
        if (exitCode == 0) {
            finish(0);
        } else {
            String text = errors.text();
            fail(JOURNAL_FAILED, text.isEmpty() ? "journalctl ended with exit code " + exitCode : text);
        }
    }

    private static void drainAvailable(InputStream in, byte[] buffer, ByteTail into) throws IOException {
        for (int available; (available = in.available()) > 0; ) {
            int n = in.read(buffer, 0, Math.min(available, buffer.length));
            if (n <= 0) {
                return;
            }
            into.add(buffer, 0, n);
        }
    }

    @Override
    void onStop() {
        Process p = process;
        if (p != null) {
            p.destroy(); // TERM at once; cleanUp, on the session's thread, waits and kills if need be
        }
    }

    /** TERM, then KILL after the grace period, for journalctl and anything it may have started. */
    @Override
    void cleanUp() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>();
        p.descendants().forEach(all::add);
        all.add(p.toHandle());
        all.forEach(ProcessHandle::destroy);
        try {
            if (!p.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.info("logs stream {}: journalctl (pid {}) did not end on TERM, killing it", channel.id(),
                        p.pid());
            }
            all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            p.waitFor(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            all.forEach(ProcessHandle::destroyForcibly);
            Thread.currentThread().interrupt();
        }
    }

    /** The running journalctl, for tests. */
    Process process() {
        return process;
    }
}
