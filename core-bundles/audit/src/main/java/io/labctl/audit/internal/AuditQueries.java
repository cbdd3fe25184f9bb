package io.labctl.audit.internal;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.audit.AuditReader;
import io.labctl.persistence.Database;
import io.labctl.persistence.Schema;
import io.labctl.persistence.Sessions;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.access.Permission;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Reads audit_log: every chain's rows, filtered, oldest first, for callers allowed to read everywhere. */
@Component(service = AuditReader.class)
public class AuditQueries implements AuditReader {
    static final int DEFAULT_LIMIT = 500;
    static final int MAX_LIMIT = AuditEntry.MAX_QUERY_ROWS;
    private static final Pattern SESSION_DAY = Pattern.compile("-(\\d{8})-");
    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

    static final Permission READ_EVERYWHERE = Permission.everywhere(Action.READ);

    private final Sessions sessions;
    private final AccessDecisions decisions;

    @Activate
    public AuditQueries(@Reference Database database,
            // present once the audit schema is current: the component waits for its migrations
            @Reference(target = "(labctl.schema=audit)") Schema schema, @Reference AccessDecisions decisions) {
        this.sessions = database.sessions(AuditMapper.class);
        this.decisions = decisions;
    }

    @Override
    public List<AuditEntry> query(Identity caller, Query query) {
        decisions.require(caller, READ_EVERYWHERE); // rows of every scope
        QueryParams p = new QueryParams();
        p.limit = DEFAULT_LIMIT;
        if (query != null) {
            p.user = blankToNull(query.user());
            String action = blankToNull(query.action());
            p.actionLike = action == null ? null : likePrefix(action);
            p.since = query.since();
            String ref = blankToNull(query.sessionRef());
            p.sessions = ref == null ? null : sessionFilters(ref.strip());
            p.limit = query.limit() <= 0 ? DEFAULT_LIMIT : Math.min(MAX_LIMIT, query.limit());
        }
        List<AuditRow> newestFirst = sessions.mapper(AuditMapper.class, m -> m.query(p));
        List<AuditEntry> entries = new ArrayList<>(newestFirst.size());
        for (AuditRow r : newestFirst) {
            entries.add(r.entry());
        }
        Collections.reverse(entries);
        return entries;
    }

    /**
     * The readings of {@code user-yyyyMMdd-session}: both user and session id may hold dashes, so every
     * {@code -yyyyMMdd-} that is a real date is a candidate split. "-" stands for a missing user or session id.
     */
    static List<QueryParams.SessionFilter> sessionFilters(String ref) {
        List<QueryParams.SessionFilter> out = new ArrayList<>();
        Matcher m = SESSION_DAY.matcher(ref);
        int from = 0;
        while (out.size() < 8 && m.find(from)) {
            from = m.start() + 1;
            String user = ref.substring(0, m.start());
            String session = ref.substring(m.end());
            if (user.isEmpty() || session.isEmpty()) {
                continue;
            }
            LocalDate day;
            try {
                day = LocalDate.parse(m.group(1), DAY);
            } catch (DateTimeParseException e) {
                continue;
            }
            Instant start = day.atStartOfDay().toInstant(ZoneOffset.UTC);
            out.add(new QueryParams.SessionFilter("-".equals(user) ? null : user, "-".equals(session) ? null : session,
                    start, start.plus(1, ChronoUnit.DAYS)));
        }
        if (out.isEmpty()) {
            throw ApiException.badRequest("invalid-session", "'" + ref + "' is not a session reference; use the "
                    + "user-yyyyMMdd-session form that 'labctl logs audit' shows, e.g. alice-20261126-4f2a9c1e");
        }
        return out;
    }

    private static String likePrefix(String prefix) {
        return prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
