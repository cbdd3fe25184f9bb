package io.labctl.pulumi.internal;

import io.labctl.persistence.Sessions;
import io.labctl.protocol.pulumi.RunLine;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's log as the engine writes it: lines numbered in arrival order and stored in batches (at least every
 * {@link #FLUSH_MILLIS}), so a busy engine costs a few inserts a second and a follower sees a line within a
 * fraction of a second. Beyond the run's line limit only the count of dropped lines is kept.
 */
final class RunLog implements AutoCloseable {
    static final long FLUSH_MILLIS = 200;
    private static final int BATCH = 500;
    private static final Logger LOG = LoggerFactory.getLogger(RunLog.class);

    private final String run;
    private final Sessions sessions;
    private final int maxLines;
    private final ScheduledFuture<?> flusher;
    private List<RunLine> pending = new ArrayList<>();
    private long seq;
    private long dropped;
    private boolean closed;

    RunLog(String run, Sessions sessions, int maxLines, ScheduledExecutorService scheduler) {
        this.run = run;
        this.sessions = sessions;
        this.maxLines = maxLines;
        this.flusher = scheduler.scheduleWithFixedDelay(this::flush, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** One line; cut at {@link RunLine#MAX_CHARS} with a mark. */
    void line(String text) {
        String t = text == null ? "" : text;
        if (t.length() > RunLine.MAX_CHARS) {
            t = t.substring(0, RunLine.MAX_CHARS) + " [labd: line cut at " + RunLine.MAX_CHARS + " characters]";
        }
        boolean full;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (seq >= maxLines - 1) {
                dropped++;
                return;
            }
            pending.add(new RunLine(++seq, t));
            full = pending.size() >= BATCH;
        }
        if (full) {
            flush();
        }
    }

    void flush() {
        List<RunLine> batch;
        synchronized (this) {
            if (pending.isEmpty()) {
                return;
            }
            batch = pending;
            pending = new ArrayList<>();
        }
        try {
            for (int i = 0; i < batch.size(); i += BATCH) {
                List<RunLine> part = batch.subList(i, Math.min(batch.size(), i + BATCH));
                sessions.mapper(RunMapper.class, m -> m.insertLines(run, part));
            }
        } catch (RuntimeException e) {
            // the run goes on; its log has a gap the last line says nothing of, so say it here
            LOG.warn("run {}: {} log lines could not be stored: {}", run, batch.size(), e.toString());
        }
    }

    /** Stores what is pending (and how many lines were dropped); later lines are ignored. */
    @Override
    public void close() {
        flusher.cancel(false);
        synchronized (this) {
            if (dropped > 0) {
                pending.add(new RunLine(++seq, "[labd: " + dropped + " more lines not kept: a run keeps "
                        + maxLines + " (maxLinesPerRun)]"));
            }
        }
        flush();
        synchronized (this) {
            closed = true;
        }
    }
}
