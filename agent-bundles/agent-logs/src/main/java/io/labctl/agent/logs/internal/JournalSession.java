package io.labctl.agent.logs.internal;

import io.labctl.agent.api.StreamChannel;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A journal read: runs journalctl (an argument vector, never a shell) with export output and writes each entry as
 * journalctl's short-iso line ({@link JournalFormat}). journalctl waits on a full pipe while labd grants no credit,
 * so a slow reader slows it down instead of filling memory. One thread serves both of its pipes, reading only what
 * is available, so neither can fill up and stall it.
 * <p>
 * A follow remembers the cursor of the last entry whose line went out; when a newer version of this capability asks
 * for the stream, it hands over right after that entry ({@code journal:CURSOR}), and the new version goes on with
 * {@code --after-cursor}: every entry once.
 */
final class JournalSession extends LogSession {
    static final String JOURNAL_FAILED = "journal-failed";
    static final String JOURNAL_UNAVAILABLE = "journal-unavailable";
    /** How much of journalctl's error output is kept for the error message. */
    static final int STDERR_KEPT = 4096;
    /** The longest message the agent reads; a longer one is shown as a note. Other fields are kept smaller. */
    static final int MAX_MESSAGE = 1 << 20;
    /** How long journalctl gets to end after TERM before it is killed. */
    static final Duration GRACE = Duration.ofSeconds(2);
    /**
     * The first wait when journalctl's pipe is empty, doubling up to a follow's poll interval. Short: journalctl fills
     * the 64 KiB pipe in about 2 ms while reading a big journal, and waits on it meanwhile.
     */
    private static final long IDLE_MIN_NANOS = 250_000;
    private static final long IDLE_MAX_NANOS = 200_000_000;

    private final List<String> command;
    /** Run first by a new follow: the last entry matching now (see {@link JournalArguments#probe}); else null. */
    private final List<String> probe;
    private final boolean follow;
    /** Whether a new follow shows no earlier entries (-n 0): then it may hand over before it sent any. */
    private final boolean noBacklog;
    private final JournalCursor resume;
    private volatile Process process;

    JournalSession(StreamChannel channel, boolean deflate, List<String> command, List<String> probe, boolean follow,
                   boolean noBacklog, JournalCursor resume, String description, Consumer<LogSession> onEnd) {
        super(channel, deflate, description, onEnd);
        this.command = List.copyOf(command);
        this.probe = probe == null ? null : List.copyOf(probe);
        this.follow = follow;
        this.noBacklog = noBacklog;
        this.resume = resume;
    }

    @Override
    boolean canHandOver() {
        return follow;
    }

    @Override
    void work() throws IOException, InterruptedException, Refusal {
        // where a handover goes on from before this follow sent any entry: null while that is not known
        JournalCursor start = resume != null ? resume : probe == null ? null : probe();
        if (start != null && start.namesEntry() && resume == null && !noBacklog) {
            start = null; // the last lines are still to come: hand over only once one went out
        }
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
        JournalFormat format = new JournalFormat(resume == null ? null : resume.boot());
        ByteArrayOutputStream lines = new ByteArrayOutputStream(CHUNK * 2);
        ExportReader entries = new ExportReader(MAX_MESSAGE);
        ExportReader.Sink sink = e -> format.entry(e, lines);
        JournalCursor sent = start;
        long idle = IDLE_MIN_NANOS;
        while (true) {
            drainAvailable(err, errBuffer, errors);
            if (sent != null && handoverAsked()) {
                // every entry read went out: the next version goes on right after the last one
                handOff(sent.text());
                return;
            }
            int available = out.available();
            if (available > 0) {
                int n = out.read(buffer, 0, buffer.length); // does not wait: something is there
                if (n > 0) {
                    entries.feed(buffer, 0, n, sink);
                    sendLines(lines);
                    JournalCursor last = JournalCursor.ofEntry(format.lastCursor());
                    if (last != null) {
                        sent = last;
                    }
                }
                idle = IDLE_MIN_NANOS;
            } else if (!p.isAlive()) {
                break;
            } else {
                // nothing yet (following, or journalctl is still seeking): back off, up to a follow's poll interval
                flush();
                if (idle < 1_000_000) {
                    LockSupport.parkNanos(idle); // Thread.sleep would round it up to a millisecond
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                } else {
                    Thread.sleep(idle / 1_000_000);
                }
                idle = Math.min(idle * 2, IDLE_MAX_NANOS);
            }
        }
        // it has exited: what is left in its pipes is at most a pipe's worth
        for (int n; (n = out.read(buffer)) > 0; ) {
            entries.feed(buffer, 0, n, sink);
            sendLines(lines);
        }
        for (int n; (n = err.read(errBuffer)) > 0; ) {
            errors.add(errBuffer, 0, n);
        }
        int exitCode = p.waitFor();
        if (exitCode == 0) {
            if (format.entries() == 0 && !follow) {
                lines.writeBytes(JournalFormat.NO_ENTRIES.getBytes(StandardCharsets.US_ASCII));
                sendLines(lines);
            }
            finish(0);
        } else {
            String text = errors.text();
            fail(JOURNAL_FAILED, text.isEmpty() ? "journalctl ended with exit code " + exitCode : text);
        }
    }

    private void sendLines(ByteArrayOutputStream lines) throws IOException, InterruptedException {
        if (lines.size() == 0) {
            return;
        }
        byte[] bytes = lines.toByteArray();
        lines.reset();
        for (int off = 0; off < bytes.length; off += CHUNK) {
            send(bytes, off, Math.min(CHUNK, bytes.length - off));
        }
    }

    /**
     * The last entry the follow's filters match before it starts, or {@link JournalCursor#NONE} when none does;
     * null when that cannot be learned (the follow then hands over only once it sent an entry).
     */
    private JournalCursor probe() throws InterruptedException {
        try {
            Process p = new ProcessBuilder(probe).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            process = p;
            JournalFormat f = new JournalFormat(null);
            ExportReader reader = new ExportReader(MAX_MESSAGE);
            byte[] buffer = new byte[CHUNK];
            try (InputStream in = p.getInputStream()) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    reader.feed(buffer, 0, n, e -> f.entry(e, new ByteArrayOutputStream()));
                }
            }
            if (!p.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return null;
            }
            if (p.exitValue() != 0) {
                return null;
            }
            if (f.entries() == 0) {
                return new JournalCursor(JournalCursor.NONE);
            }
            return JournalCursor.ofEntry(f.lastCursor());
        } catch (IOException e) {
            LOG.debug("logs stream {}: the journal's position could not be read first: {}", channel.id(),
                    e.toString());
            return null;
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
