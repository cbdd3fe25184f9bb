package io.labctl.cli.cmd;

import com.fasterxml.jackson.databind.JavaType;
import io.labctl.cli.Cli;
import io.labctl.cli.CliException;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.render.AuditPrinter;
import io.labctl.cli.render.Formats;
import io.labctl.protocol.Api;
import io.labctl.protocol.Json;
import io.labctl.protocol.Since;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.access.AuditVerification;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code labctl logs TYPE[/NAME]}: one verb for every kind of log, dispatched on the resource type. Today only the
 * audit log exists; a server's journal (server/NAME) is meant to become another case of {@link #call()}.
 */
@Command(name = "logs", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print logs. Today: labd's audit log, or the rows of one labctl session in it.", "",
                "Every labctl invocation is one session; 'labctl logs audit' shows its handle in the SESSION",
                "column (user-yyyyMMdd-id), and 'labctl logs audit/HANDLE' prints just that session's rows.",
                "Times are UTC. --verify walks the audit log's hash chains and exits 1 if one is broken.", "",
                "Examples:",
                "  labctl logs audit",
                "  labctl logs audit --user alice --since 1h",
                "  labctl logs audit --action exec --since '2 days ago' --limit 50 -o json",
                "  labctl logs audit --since 2026-11-26T03:00:00Z",
                "  labctl logs audit/alice-20261126-3f9a2c71",
                "  labctl logs audit --verify"})
public final class LogsCommand extends LabdCommand {
    /** Log types by every spelling the user may give; values are the canonical type. */
    private static final Map<String, String> TYPES = Map.of("audit", "audit", "server", "server", "servers", "server");
    /** What 'labctl logs audit/...' takes: AuditEntry.session(), user-yyyyMMdd-id. */
    private static final Pattern SESSION = Pattern.compile(".+-\\d{8}-[A-Za-z0-9._-]+");

    @Parameters(index = "0", paramLabel = "TYPE[/NAME]", completionCandidates = Types.class,
            description = "audit, or audit/SESSION for one session's rows.")
    String resource;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", hidden = true,
            description = "NAME, when given as TYPE NAME instead of TYPE/NAME.")
    String separateName;

    @Option(names = "--user", paramLabel = "USER", description = "audit: only rows of this user.")
    String user;

    @Option(names = "--action", paramLabel = "ACTION", description = "audit: only rows of this action.")
    String action;

    @Option(names = "--since", paramLabel = "TIME",
            description = "Only rows from then on: a duration back (1h, '1h ago'), a date or an ISO time (UTC).")
    String since;

    @Option(names = "--limit", paramLabel = "N", description = "At most N rows (default: labd's).")
    Integer limit;

    @Option(names = "--verify", description = "audit: check the log's hash chains instead of printing rows.")
    boolean verify;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
            description = "wide (adds instance and sequence number), json or yaml (default: a table).")
    String output;

    /** The log types, for shell completion. */
    static final class Types implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("audit").iterator();
        }
    }

    LogsCommand(Cli cli) {
        super(cli);
    }

    @Override
    public Integer call() {
        String[] ref = parse(resource, separateName);
        return switch (ref[0]) {
            case "audit" -> audit(ref[1]);
            case "server" -> throw usage("logs of servers (server/NAME) are not available yet in this labctl;"
                    + " 'labctl logs audit' is");
            default -> throw new IllegalStateException(ref[0]);
        };
    }

    /** {type, name or null} from TYPE, TYPE/NAME or TYPE NAME; a usage error for unknown types. */
    String[] parse(String first, String second) {
        String type = first;
        String name = second;
        int slash = first.indexOf('/');
        if (slash >= 0) {
            if (second != null) {
                throw usage("give either TYPE/NAME or TYPE NAME, not both");
            }
            type = first.substring(0, slash);
            name = first.substring(slash + 1);
            if (name.isEmpty()) {
                throw usage("'" + first + "' has no name after the '/'");
            }
        }
        String canonical = TYPES.get(type.toLowerCase(Locale.ROOT));
        if (canonical == null) {
            throw usage("unknown log type '" + type + "'; available: audit");
        }
        return new String[] {canonical, name};
    }

    private int audit(String session) {
        String format = output(output, verify ? Set.of("json", "yaml") : Set.of("wide", "json", "yaml"));
        if (session != null && !SESSION.matcher(session).matches()) {
            throw usage("'" + session + "' is not a session handle; use the SESSION column of 'labctl logs audit'"
                    + " (user-yyyyMMdd-id, e.g. alice-20261126-3f9a2c71)");
        }
        if (verify) {
            if (session != null || user != null || action != null || since != null || limit != null) {
                throw usage("--verify checks the whole audit log; it takes no session, --user, --action, --since or --limit");
            }
            return verify(format);
        }
        String path = Api.AUDIT + query(auditQuery(session));
        JavaType type = Json.json().getTypeFactory().constructCollectionType(List.class, AuditEntry.class);
        List<AuditEntry> rows = client().get(path, type);
        if (rows == null) {
            rows = List.of();
        }
        if ("json".equals(format)) {
            print(Formats.json(rows));
        } else if ("yaml".equals(format)) {
            print(Formats.yaml(rows));
        } else if (rows.isEmpty()) {
            cli.err().println(session == null ? "No audit entries found." : "No audit entries found for session " + session + ".");
        } else {
            print(AuditPrinter.table(rows, "wide".equals(format)));
        }
        return ExitCodes.OK;
    }

    /** The audit filters, checked locally; --since goes to labd as a UTC instant, resolved against this clock. */
    Map<String, String> auditQuery(String session) {
        Map<String, String> q = new LinkedHashMap<>();
        if (user != null) {
            q.put("user", user);
        }
        if (action != null) {
            q.put("action", action);
        }
        if (since != null) {
            Instant from;
            try {
                from = Since.parse(since, cli.now());
            } catch (IllegalArgumentException e) {
                throw usage("--since " + e.getMessage());
            }
            q.put("since", DateTimeFormatter.ISO_INSTANT.format(from));
        }
        if (session != null) {
            q.put("session", session);
        }
        if (limit != null) {
            if (limit < 1) {
                throw usage("--limit must be at least 1, not " + limit);
            }
            q.put("limit", Integer.toString(limit));
        }
        return q;
    }

    static String query(Map<String, String> params) {
        if (params.isEmpty()) {
            return "";
        }
        return params.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&", "?", ""));
    }

    private int verify(String format) {
        AuditVerification v = client().get(Api.AUDIT_VERIFY, AuditVerification.class);
        if (v == null) {
            throw CliException.unreachable("labd answered the audit verification without a result", null);
        }
        if ("json".equals(format)) {
            print(Formats.json(v));
        } else if ("yaml".equals(format)) {
            print(Formats.yaml(v));
        } else {
            print(AuditPrinter.verification(v));
        }
        return v.intact() ? ExitCodes.OK : ExitCodes.REFUSED;
    }
}
