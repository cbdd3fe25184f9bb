package io.labctl.sources.internal;

import io.labctl.persistence.Sessions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * A build's log, written to its row every second or so while it runs (so {@code labctl logs build/ID} shows a build in
 * progress) and bounded: past the limit only the last lines are kept, and written at the end with how many were cut.
 */
final class BuildLog implements Consumer<String> {
    private static final long FLUSH_NANOS = 1_000_000_000L;
    private static final int TAIL_LINES = 300;

    private final Sessions sessions;
    private final String id;
    private final int maxBytes;
    private final StringBuilder pending = new StringBuilder();
    private final Deque<String> tail = new ArrayDeque<>();
    private long written;
    private long cut;
    private long lastFlush = System.nanoTime();
    private final long started = System.nanoTime();

    BuildLog(Sessions sessions, String id, int maxBytes) {
        this.sessions = sessions;
        this.id = id;
        this.maxBytes = maxBytes;
    }

    @Override
    public synchronized void accept(String line) {
        String text = line.replace('\0', ' ') + "\n";
        if (written + pending.length() + text.length() > maxBytes) {
            tail.addLast(text);
            if (tail.size() > TAIL_LINES) {
                tail.removeFirst();
                cut++;
            }
        } else {
            pending.append(text);
        }
        if (System.nanoTime() - lastFlush > FLUSH_NANOS) {
            flush();
        }
    }

    /** A line from labd itself (not the build's output), marked so. */
    void labd(String text) {
        accept("[labd] (+" + String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9) + " s) " + text);
    }

    synchronized void flush() {
        lastFlush = System.nanoTime();
        if (pending.isEmpty()) {
            return;
        }
        String text = pending.toString();
        pending.setLength(0);
        written += text.length();
        sessions.mapper(SourcesMapper.class, m -> m.appendLog(id, text));
    }

    /** Writes what is left, the kept tail included. */
    synchronized void close() {
        if (!tail.isEmpty()) {
            pending.append("[labd] ... ").append(cut).append(" lines cut: the log is longer than ")
                    .append(maxBytes / 1024).append(" KiB; its last lines follow\n");
            tail.forEach(pending::append);
            tail.clear();
        }
        flush();
    }
}
