package io.labctl.protocol.access;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One audit row. result is ok, denied or failed. Rows of one labd instance form a hash chain in seq order.
 * {@link #session()} is the handle {@code labctl logs audit/<user-date-session>} takes.
 */
public record AuditEntry(String instance, long seq, Instant at, String user, String sessionId, String source,
                         String action, String resource, String result, Long durationMs, String error) {
    public static final String OK = "ok";
    public static final String DENIED = "denied";
    public static final String FAILED = "failed";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    public String session() {
        return sessionRef(user, at, sessionId);
    }

    public static String sessionRef(String user, Instant at, String sessionId) {
        return (user == null ? "-" : user) + "-" + DAY.format(at) + "-" + (sessionId == null ? "-" : sessionId);
    }
}
