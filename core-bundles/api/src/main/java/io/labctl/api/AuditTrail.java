package io.labctl.api;

import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.access.AuditVerification;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The tamper-evident audit log: one hash chain per labd instance. Writing fails closed: if a row cannot be
 * written, the action it records fails too.
 */
public interface AuditTrail {

    /** What happened, as far as known before the outcome. user is the identity's name ("agent/x" for agents). */
    record Event(String user, String sessionId, String source, String action, String resource) {}

    /** Filters for {@link #query}; null fields do not filter. action matches as a prefix. */
    record Query(String user, String action, Instant since, String sessionRef, int limit) {}

    /**
     * Runs a state change and appends its row ({@code ok}, with duration) in one database transaction. If work
     * throws, the transaction rolls back and a {@code denied} (403) or {@code failed} row is written on its own;
     * the exception is rethrown. If the row cannot be written the change is rolled back and this throws.
     */
    <T> T change(Event event, Callable<T> work) throws Exception;

    /** Appends one row on its own, durably before returning (reads, denials, stream open and close). */
    void record(Event event, String result, Long durationMs, String error);

    List<AuditEntry> query(Query query);

    /** Walks every chain and names the first broken link. */
    AuditVerification verify();
}
