package io.labctl.api.audit;

import io.labctl.protocol.access.AuditEntry;
import java.util.concurrent.Callable;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Writes the tamper-evident audit log: one hash chain per labd instance. Writing fails closed: if a row cannot be
 * written, the action it records fails too. Reading is {@link AuditReader}'s, checking the chains
 * {@link AuditVerifier}'s.
 */
@ProviderType
public interface AuditWriter {

    /** What happened, as far as known before the outcome. user is the identity's name ("agent/x" for agents). */
    record Event(String user, String sessionId, String source, String action, String resource) {}

    /**
     * Runs a state change and appends its row ({@code ok}, with duration) in one database transaction. If work
     * throws, the transaction rolls back and a {@code denied} (403) or {@code failed} row is written on its own;
     * the exception is rethrown. If the row cannot be written the change is rolled back and this throws.
     */
    <T> T change(Event event, Callable<T> work) throws Exception;

    /** Appends one row on its own, durably before returning (reads, denials, stream open and close). */
    void record(Event event, String result, Long durationMs, String error);

    /** The most of a row's detail kept as it is, in UTF-8 bytes; a longer one is cut to this and marked as cut. */
    int MAX_DETAIL_BYTES = 64 * 1024;

    /**
     * Like {@link #record(Event, String, Long, String)}, with the whole of what the action carried (for exec the
     * argument vector) in the row's detail: up to {@link #MAX_DETAIL_BYTES} as it is, beyond that its first
     * {@link #MAX_DETAIL_BYTES} and the SHA-256 of the whole, which marks it as cut. The detail is part of the row's
     * hash. The default drops the detail: labd's audit trail overrides it; test doubles need not.
     */
    default void record(Event event, String result, Long durationMs, String error, String detail) {
        record(event, result, durationMs, error);
    }

    /**
     * Records a refusal that a caller can cause over and over (a certificate labd refuses, a failed TLS handshake, a
     * malformed request, a second connection with a live agent's key) as a {@code denied} row, rate-limited: at most
     * a few rows per source address a minute, the rest of the minute as one row with their count, so a flood costs a
     * few rows and is never invisible. Returns at once; nothing waits for the row (nothing was allowed). The event's
     * user is the name the caller claimed; a name labd did not verify must say so in reason. The default writes the
     * row directly: labd's audit trail overrides it; test doubles need not.
     */
    default void refused(Event event, String reason) {
        record(event, AuditEntry.DENIED, 0L, reason);
    }
}
