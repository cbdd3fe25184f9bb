package io.labctl.audit.internal;

import java.time.Instant;
import java.util.List;

/** Bound parameters of {@link AuditMapper#query}; null fields do not filter. */
public class QueryParams {
    public String user;
    public String actionLike;
    public Instant since;
    public List<SessionFilter> sessions;
    public int limit;

    /** One reading of a session reference: a user's session on one UTC day. Null user or session id: none recorded. */
    public static class SessionFilter {
        public String user;
        public String sessionId;
        public Instant from;
        public Instant to;

        SessionFilter(String user, String sessionId, Instant from, Instant to) {
            this.user = user;
            this.sessionId = sessionId;
            this.from = from;
            this.to = to;
        }
    }
}
