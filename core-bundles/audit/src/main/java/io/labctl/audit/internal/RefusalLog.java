package io.labctl.audit.internal;

import io.labctl.api.audit.AuditWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link io.labctl.api.audit.AuditWriter#refused}: refusals that a caller can cause over and over (no certificate, a
 * refused certificate, a failed TLS handshake, a malformed request, a second connection with a live agent's key). Each is
 * audited, but at most {@code refusalRowsPerMinute} rows per source address a minute (the window is a setting,
 * {@code refusalWindowSeconds}); the rest of that minute is
 * counted and written as one row when the minute is over, so a flood costs a few rows and is never invisible. Rows
 * are written on a thread of their own: the callers (Jetty's TLS and request threads) answer at once, and the answer
 * to a refusal does not depend on the row.
 */
final class RefusalLog implements AutoCloseable {
    static final int DEFAULT_ROWS_PER_MINUTE = 5;
    /** Rows that could not be written go here, where operators look for Karaf's own security events. */
    private static final Logger SECURITY_LOG = LoggerFactory.getLogger("audit");
    /** How often minutes that are over are looked at, so a count is written even when no refusal follows. */
    private static final long FLUSH_EVERY_MILLIS = 5_000;
    static final String SUPPRESSED = "refusals.suppressed";
    /** Sources tracked at once; beyond that new sources share one window, so memory stays bounded. */
    static final int MAX_SOURCES = 10_000;
    static final String OTHER_SOURCES = "(other sources)";
    static final int DEFAULT_WINDOW_SECONDS = 60;

    /** One source's current minute. */
    private static final class Window {
        final long start;
        int written;
        int suppressed;

        Window(long start) {
            this.start = start;
        }
    }

    /** Writes one refusal row (durably, as {@link AuditWriter#record} does). */
    interface RowWriter {
        void write(AuditWriter.Event event, String reason);
    }

    private final RowWriter rowWriter;
    private final LongSupplier nanos;
    private final int rowsPerMinute;
    /** The window the row limit counts in: a minute, unless configured otherwise. */
    private final long window;
    private final Map<String, Window> windows = new HashMap<>();
    private final BlockingQueue<Runnable> rows = new ArrayBlockingQueue<>(4096);
    /** Rows queued and not yet written (or given up on). */
    private final AtomicInteger unwritten = new AtomicInteger();
    private final Thread writer;
    private int lost;

    RefusalLog(RowWriter rowWriter, LongSupplier nanos, int rowsPerMinute) {
        this(rowWriter, nanos, rowsPerMinute, DEFAULT_WINDOW_SECONDS);
    }

    RefusalLog(RowWriter rowWriter, LongSupplier nanos, int rowsPerMinute, int windowSeconds) {
        this.rowWriter = rowWriter;
        this.nanos = nanos;
        this.window = TimeUnit.SECONDS.toNanos(Math.max(1, windowSeconds));
        this.rowsPerMinute = Math.max(1, rowsPerMinute); // never nothing: a flood's first refusal is always written
        this.writer = new Thread(this::writeRows, "labd-refusal-audit");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Records one refusal. The event's user is who the caller claimed to be ("anonymous" for nobody); a claim labd did
     * not verify must say so in reason.
     */
    void refused(AuditWriter.Event event, String reason) {
        String key = event.source() == null ? "-" : event.source();
        boolean write;
        synchronized (this) {
            long now = nanos.getAsLong();
            endMinutes(now);
            Window w = windows.get(key);
            if (w == null) {
                if (windows.size() >= MAX_SOURCES) {
                    key = OTHER_SOURCES;
                    w = windows.computeIfAbsent(key, k -> new Window(now));
                } else {
                    w = new Window(now);
                    windows.put(key, w);
                }
            }
            write = w.written < rowsPerMinute;
            if (write) {
                w.written++;
            } else {
                w.suppressed++;
            }
        }
        if (write) {
            enqueue(event, reason);
        }
    }

    /** Writes the count of each minute that is over and had refusals left out (the writer calls it every few seconds). */
    void flush() {
        synchronized (this) {
            endMinutes(nanos.getAsLong());
        }
    }

    /** Ends every window that is over; the ones with suppressed refusals leave one row with the count. */
    private void endMinutes(long now) {
        List<Map.Entry<String, Integer>> counts = new ArrayList<>();
        for (Iterator<Map.Entry<String, Window>> it = windows.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Window> e = it.next();
            if (now - e.getValue().start >= window) {
                if (e.getValue().suppressed > 0) {
                    counts.add(Map.entry(e.getKey(), e.getValue().suppressed));
                }
                it.remove();
            }
        }
        if (lost > 0) {
            counts.add(Map.entry(OTHER_SOURCES, lost));
            lost = 0;
        }
        for (Map.Entry<String, Integer> c : counts) {
            enqueue(new AuditWriter.Event("anonymous", null, c.getKey(), SUPPRESSED, "source/" + c.getKey()),
                    c.getValue() + " more refusal(s) from " + c.getKey() + " within " + windowSeconds() + " s were "
                            + "not recorded one by one (at most " + rowsPerMinute + " rows per source in "
                            + windowSeconds() + " s)");
        }
    }

    private long windowSeconds() {
        return TimeUnit.NANOSECONDS.toSeconds(window);
    }

    private void enqueue(AuditWriter.Event event, String reason) {
        unwritten.incrementAndGet();
        boolean queued = rows.offer(() -> write(event, reason));
        if (!queued) {
            unwritten.decrementAndGet();
            synchronized (this) {
                lost++; // the writer is behind (database slow): counted, written with the next minute's counts
            }
        }
    }

    private void write(AuditWriter.Event event, String reason) {
        try {
            rowWriter.write(event, reason);
        } catch (RuntimeException e) {
            SECURITY_LOG.error("could not audit a refusal of {} from {} ({}): {}; reason: {}", event.user(),
                    event.source(), event.action(), e.getMessage(), reason);
        }
    }

    private void writeRows() {
        long lastFlush = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Runnable row = rows.poll(FLUSH_EVERY_MILLIS, TimeUnit.MILLISECONDS);
                if (row != null) {
                    try {
                        row.run();
                    } finally {
                        unwritten.decrementAndGet();
                    }
                }
                if (System.nanoTime() - lastFlush >= TimeUnit.MILLISECONDS.toNanos(FLUSH_EVERY_MILLIS)) {
                    flush(); // counts of refusals left out are written soon after their minute ends, flood or none
                    lastFlush = System.nanoTime();
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Waits (a little) until the rows queued so far are written; for an orderly stop and for tests. */
    boolean drain(long timeoutMillis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (unwritten.get() > 0 && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        return unwritten.get() == 0;
    }

    @Override
    public void close() {
        flush();
        try {
            drain(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.interrupt();
    }
}
