package io.labctl.web.internal;

import io.labctl.api.ApiException;
import io.labctl.api.audit.AuditWriter;
import io.labctl.protocol.access.AuditEntry;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test double of the audit trail: keeps rows in memory and can be told to fail, as a broken database would. The
 * real chain (bundle io.labctl.audit) is tested against PostgreSQL.
 */
final class RecordingAuditTrail implements AuditWriter {
    record Row(Event event, String result, String error) {}

    final List<Row> rows = new CopyOnWriteArrayList<>();
    volatile boolean failing;
    /** Set by change(): the work ran, then the (failing) row write threw, so a real trail would have rolled it back. */
    volatile boolean lastChangeRolledBack;

    @Override
    public <T> T change(Event event, Callable<T> work) throws Exception {
        lastChangeRolledBack = false;
        T result;
        try {
            result = work.call();
        } catch (Exception e) {
            record(event, e instanceof ApiException api && api.status() == 403 ? AuditEntry.DENIED : AuditEntry.FAILED,
                    0L, e.getMessage());
            throw e;
        }
        if (failing) {
            lastChangeRolledBack = true;
            throw unavailable();
        }
        rows.add(new Row(event, AuditEntry.OK, null));
        return result;
    }

    @Override
    public void record(Event event, String result, Long durationMs, String error) {
        if (failing) {
            throw unavailable();
        }
        rows.add(new Row(event, result, error));
    }

    Row last() {
        return rows.isEmpty() ? null : rows.get(rows.size() - 1);
    }

    private static ApiException unavailable() {
        return ApiException.unavailable("audit-unavailable", "the audit log cannot be written (test); labd refuses "
                + "actions it cannot record");
    }
}
