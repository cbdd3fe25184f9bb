package io.labctl.audit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.audit.AuditWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RefusalLogTest {
    record Row(AuditWriter.Event event, String error) {}

    final List<Row> rows = new CopyOnWriteArrayList<>();
    final AtomicLong now = new AtomicLong(0);

    @Test
    void aFloodCostsAFewRowsAndOneCountNeverNothing() throws Exception {
        try (RefusalLog log = new RefusalLog((e, reason) -> rows.add(new Row(e, reason)), now::get,
                RefusalLog.DEFAULT_ROWS_PER_MINUTE)) {
            for (int i = 0; i < 1000; i++) {
                log.refused(refusal("anonymous", "10.0.0.9", "request", "GET /admin"), "no certificate");
            }
            log.refused(refusal("bob", "10.0.0.7", "tls.handshake", "tls"), "self-signed");
            assertTrue(log.drain(5_000));
            assertEquals(RefusalLog.DEFAULT_ROWS_PER_MINUTE + 1, rows.size(), "a few rows for the flood, one for the other source");

            now.addAndGet(TimeUnit.SECONDS.toNanos(61));
            log.flush();
            assertTrue(log.drain(5_000));
            List<Row> counts = rows.stream()
                    .filter(r -> r.event().action().equals(RefusalLog.SUPPRESSED)).toList();
            assertEquals(1, counts.size(), rows.toString());
            assertEquals("10.0.0.9", counts.get(0).event().source());
            assertTrue(counts.get(0).error().startsWith((1000 - RefusalLog.DEFAULT_ROWS_PER_MINUTE) + " more refusal(s)"),
                    counts.get(0).error());

            log.refused(refusal("anonymous", "10.0.0.9", "request", "GET /admin"), "no certificate");
            assertTrue(log.drain(5_000));
            assertEquals("request", rows.get(rows.size() - 1).event().action(), "a new minute writes rows again");
        }
    }

    @Test
    void aMinuteWithoutSuppressedRefusalsLeavesNoCountRow() throws Exception {
        try (RefusalLog log = new RefusalLog((e, reason) -> rows.add(new Row(e, reason)), now::get,
                RefusalLog.DEFAULT_ROWS_PER_MINUTE)) {
            log.refused(refusal("anonymous", "10.0.0.9", "request", "GET /x"), "no certificate");
            now.addAndGet(TimeUnit.MINUTES.toNanos(2));
            log.flush();
            assertTrue(log.drain(5_000));
            assertEquals(1, rows.size(), rows.toString());
        }
    }

    static AuditWriter.Event refusal(String user, String source, String action, String resource) {
        return new AuditWriter.Event(user, null, source, action, resource);
    }
}
