package io.labctl.audit.command;

import io.labctl.api.audit.AuditReader;
import io.labctl.protocol.Since;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.access.Permission;
import io.labctl.shell.LabCommand;
import io.labctl.shell.Table;
import io.labctl.shell.UserNames;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** lab:audit: audit rows, as GET /api/v1/audit (read). */
@Service
@Command(scope = "lab", name = "audit", description = "Show the audit log, filtered by user, action and time.")
public class AuditCommand extends LabCommand {
    @Reference(optional = true)
    AuditReader reader;

    @Option(name = "--user", description = "Only rows of this user (agents as agent/NAME)")
    @Completion(UserNames.class)
    String user;

    @Option(name = "--action", description = "Only actions starting with this, e.g. shell. or server.delete")
    String action;

    @Option(name = "--since", description = "Only rows since then: 1h, \"1h ago\", 2026-11-26 or 2026-11-26T03:00:00Z")
    String since;

    @Option(name = "--limit", description = "At most this many rows", valueToShowInHelp = "50")
    int limit = 50;

    public AuditCommand() {
        super("shell.audit.list", false);
    }

    @Override
    protected String resource() {
        List<String> filters = new ArrayList<>();
        if (user != null) {
            filters.add("user=" + user);
        }
        if (action != null) {
            filters.add("action=" + action);
        }
        if (since != null) {
            filters.add("since=" + since);
        }
        return filters.isEmpty() ? "/v1/audit" : "/v1/audit?" + String.join("&", filters);
    }

    @Override
    protected void run(PrintStream out) {
        AuditEntry.queryLimit(limit);
        Instant from = since == null ? null : Since.parse(since, now());
        List<AuditEntry> rows = need(reader, AUDIT).query(caller(), new AuditReader.Query(user, action, from, null, limit));
        Table t = new Table("TIME", "USER", "SOURCE", "ACTION", "RESOURCE", "RESULT", "SESSION", "ERROR");
        for (AuditEntry e : rows) {
            t.row(Table.stamp(e.at()), e.user(), e.source(), e.action(), e.resource(), e.result(), e.sessionId(),
                    e.error());
        }
        out.print(t.isEmpty() ? "No audit rows match.\n" : t.render());
    }
}
