package io.labctl.audit.internal;

import io.labctl.protocol.access.AuditEntry;
import java.time.Instant;

/** One row of audit_log. */
public class AuditRow {
    public String instance;
    public long seq;
    public Instant at;
    public String username;
    public String sessionId;
    public String source;
    public String action;
    public String resource;
    public String result;
    public Long durationMs;
    public String error;
    /** The action's detail (exec: the argument vector), or its first bytes when detailSha256 is set. */
    public String detail;
    /** SHA-256 of the whole detail when it was cut; null when detail is all of it. */
    public String detailSha256;
    public String prevHash;
    public String hash;

    AuditEntry entry() {
        return new AuditEntry(instance, seq, at, username, sessionId, source, action, resource, result, durationMs, error,
                detail, detailSha256);
    }
}
