package io.labctl.protocol.access;

import io.labctl.protocol.InvalidInput;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One audit row. result is ok, denied or failed. Rows of one labd instance form a hash chain in seq order.
 * {@link #session()} is the handle {@code labctl logs audit/<user-date-session>} takes. detail is the whole of what
 * the action carried (for {@code exec.open} the argument vector as a JSON array), or null; when it was longer than
 * 64 KiB it holds the first 64 KiB and detailSha256 the SHA-256 of the whole (set only then: it marks the cut).
 */
public record AuditEntry(String instance, long seq, Instant at, String user, String sessionId, String source,
                         String action, String resource, String result, Long durationMs, String error,
                         String detail, String detailSha256) {
    public static final String OK = "ok";
    public static final String DENIED = "denied";
    public static final String FAILED = "failed";
    /** Most rows one audit query answers. */
    public static final int MAX_QUERY_ROWS = 10_000;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    /** A row without a detail. */
    public AuditEntry(String instance, long seq, Instant at, String user, String sessionId, String source,
                      String action, String resource, String result, Long durationMs, String error) {
        this(instance, seq, at, user, sessionId, source, action, resource, result, durationMs, error, null, null);
    }

    /**
     * The one rule for how many rows an audit query asks for, used by the CLI, the shell and labd: 1 to
     * {@link #MAX_QUERY_ROWS}.
     *
     * @throws InvalidInput naming the range
     */
    public static int queryLimit(long rows) {
        if (rows < 1 || rows > MAX_QUERY_ROWS) {
            throw new InvalidInput("invalid-limit", "limit", "limit " + rows + " is out of range: ask for 1 to "
                    + MAX_QUERY_ROWS + " rows");
        }
        return (int) rows;
    }

    /** Whether detail is only the first part of what the action carried. */
    public boolean detailCut() {
        return detailSha256 != null;
    }

    public String session() {
        return sessionRef(user, at, sessionId);
    }

    public static String sessionRef(String user, Instant at, String sessionId) {
        return (user == null ? "-" : user) + "-" + DAY.format(at) + "-" + (sessionId == null ? "-" : sessionId);
    }
}
