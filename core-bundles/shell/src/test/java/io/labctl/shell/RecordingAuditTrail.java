package io.labctl.shell;

import io.labctl.api.ApiException;
import io.labctl.api.audit.AuditWriter;
import io.labctl.protocol.access.AuditEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test double of {@link AuditWriter}: keeps rows in a list, following the interface's contract for change()
 * (ok after the work; denied for 403, failed otherwise, then rethrow). failWrites simulates a database that
 * cannot take the row.
 */
public final class RecordingAuditTrail implements AuditWriter {
    public record Row(Event event, String result, Long durationMs, String error, String detail, boolean viaChange) {}

    /** Safe to write from several threads (a rollout audits from its workers). */
    public final List<Row> rows = new CopyOnWriteArrayList<>();
    public final List<AuditEntry> entries = new ArrayList<>();
    boolean failWrites;

    @Override
    public <T> T change(Event event, Callable<T> work) throws Exception {
        T result;
        try {
            result = work.call();
        } catch (Exception e) {
            String outcome = e instanceof ApiException api && api.status() == 403 ? AuditEntry.DENIED : AuditEntry.FAILED;
            write(new Row(event, outcome, 0L, e.getMessage(), null, true));
            throw e;
        }
        write(new Row(event, AuditEntry.OK, 0L, null, null, true));
        return result;
    }

    @Override
    public void record(Event event, String result, Long durationMs, String error) {
        write(new Row(event, result, durationMs, error, null, false));
    }

    @Override
    public void record(Event event, String result, Long durationMs, String error, String detail) {
        write(new Row(event, result, durationMs, error, detail, false));
    }

    private void write(Row row) {
        if (failWrites) {
            throw new IllegalStateException("database is down");
        }
        rows.add(row);
    }


    /** The rows of one action (verb), in the order written. */
    public List<Row> of(String action) {
        return rows.stream().filter(r -> r.event().action().equals(action)).toList();
    }

    public Row only() {
        if (rows.size() != 1) {
            throw new AssertionError("expected one audit row, got " + rows);
        }
        return rows.get(0);
    }
}
