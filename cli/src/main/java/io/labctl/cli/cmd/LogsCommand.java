package io.labctl.cli.cmd;

import com.fasterxml.jackson.databind.JavaType;
import io.labctl.cli.Cli;
import io.labctl.cli.CliException;
import io.labctl.cli.CompressedStdout;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.Stdio;
import io.labctl.cli.exec.Connector;
import io.labctl.cli.exec.ExecStream;
import io.labctl.cli.exec.InterruptSource;
import io.labctl.cli.exec.Outcome;
import io.labctl.cli.http.LabdClient;
import io.labctl.cli.render.AuditPrinter;
import io.labctl.cli.render.BastionEventPrinter;
import io.labctl.cli.render.Formats;
import io.labctl.cli.render.ModulePrinter;
import io.labctl.protocol.Api;
import io.labctl.protocol.InvalidInput;
import io.labctl.protocol.Json;
import io.labctl.protocol.Names;
import io.labctl.protocol.Since;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.access.AuditVerification;
import io.labctl.protocol.logs.LogsRequest;
import io.labctl.protocol.modules.ModuleRun;
import io.labctl.protocol.provision.BastionEvent;
import io.labctl.protocol.provision.Macs;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
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
 * {@code labctl logs TYPE[/NAME]}: one verb for every kind of log, dispatched on the resource type: labd's audit log
 * over REST, a server's journal or log file and an agent's own log over the logs WebSocket stream
 * ({@link LogsRequest}, carried by {@link ExecStream}).
 */
@Command(name = "logs", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = {
                "labctl logs audit[/SESSION] [--user USER] [--action ACTION] [--since TIME] [--limit N] [--verify] [-o FORMAT]",
                "       labctl logs server/NAME [-f] [-n N] [-u UNIT] [-k] [-p PRIORITY] [--since TIME]",
                "       labctl logs server/NAME --file PATH [-f] [-n N] [--since TIME]",
                "       labctl logs agent/NAME [-f] [-n N]",
                "       labctl logs recording/ID",
                "       labctl logs module/RUN-ID [-o FORMAT]",
                "       labctl logs build/ID [-o FORMAT]",
                "       labctl logs app/NAME [-f] [-n N] [--container C] [--cluster C] [--namespace NS]",
                "       labctl logs bastion/ENV [--mac MAC] [-f] [-n N] [--since TIME] [-o json]",
                "       labctl logs pulumi/RUN-ID [-f]"},
        description = {"Print logs: labd's audit log, a server's journal or log file, or an agent's own log.", "",
                "audit: every labctl invocation is one session; 'labctl logs audit' shows its handle in the",
                "SESSION column (user-yyyyMMdd-id), and 'labctl logs audit/HANDLE' prints just that session's",
                "rows. Times are UTC. --verify walks the audit log's hash chains and exits 1 if one is broken.", "",
                "server/NAME: the server's systemd journal, narrowed with -u, -k, -p and --since; with --file",
                "PATH one log file instead (an absolute path on the server that labd lets you read).",
                "agent/NAME: the log of the labctl agent on server NAME. The log's bytes are written to stdout",
                "unchanged as they arrive, so '| grep' works while following. -f keeps following until Ctrl-C",
                "(labd is asked to stop; exit 130) or until labd ends the stream.", "",
                "recording/ID: a recorded exec session (see 'labctl get recordings'; needs admin) as asciinema v2",
                "text, for 'asciinema play'.", "",
                "module/RUN-ID: one configuration-module run (RUN of 'labctl modules status -o wide'): who ran it,",
                "when, its outcome and every resource (changed ~, failed !, skipped -, unchanged =) with its diff",
                "or reason; secret values are masked by the agent before they leave the server.", "",
                "app/NAME: the logs of the pods labelled app.kubernetes.io/name=NAME in a cluster (--cluster;",
                "not needed when you may see one only), namespace default or --namespace, read through labd's",
                "kubectl proxy (needs kubectl on the cluster; each request audited). Lines are prefixed",
                "[POD/CONTAINER] when there is more than one; -f follows them all.", "",
                "build/ID: one build of a custom module from git ('labctl modules add|update'): the clone, Maven's",
                "output inside the sandbox, the checks and the outcome (needs read).", "",
                "bastion/ENV: what the bastion of environment ENV saw and did for booting machines, one line per",
                "event (time UTC, MAC, kind, detail): dhcp (request and answer), tftp (file, size, sent or failed),",
                "http (boot script, kernel, installer files, reports), boot (reported to labd, and what the machine",
                "is told to do), plan (handed to an installer), installed, bastion (started; events it dropped).",
                "--mac shows one machine (any MAC spelling: 52:54:00:ab:cd:ef, 52-54-00-AB-CD-EF); '-' in the MAC",
                "column is a request the bastion could not tie to a machine. -n: the last N events (default 200,",
                "at most 5000); -f follows until Ctrl-C; -o json prints one JSON object a line. Needs read on the",
                "environment (read:baremetal:ENV:*).", "",
                "pulumi/RUN-ID: what the Pulumi engine printed during a plan, apply or destroy (see 'labctl get",
                "runs'), as labd kept it; -f follows a running one until it ends. Needs read on its environment.", "",
                "Examples:",
                "  labctl logs audit",
                "  labctl logs audit --user alice --since 1h",
                "  labctl logs audit --action exec --since '2 days ago' --limit 50 -o json",
                "  labctl logs audit --since 2026-11-26T03:00:00Z",
                "  labctl logs audit/alice-20261126-3f9a2c71",
                "  labctl logs audit --verify",
                "  labctl logs server/web-1 -n 100",
                "  labctl logs server/web-1 -u nginx -f",
                "  labctl logs server/web-1 -p err --since '1h ago'",
                "  labctl logs server/web-1 -k --since 2026-11-26T03:00:00Z",
                "  labctl logs server/web-1 --file /var/log/nginx/error.log -f | grep -i timeout",
                "  labctl logs agent/web-1 -n 50",
                "  labctl logs recording/20261126-070000-web-1-0123abcd > s.cast && asciinema play s.cast",
                "  labctl logs module/RUN-ID -o yaml",
                "  labctl logs build/3f9a2c71",
                "  labctl logs bastion/rack9",
                "  labctl logs bastion/rack9 --mac 52:54:00:12:34:56 -f",
                "  labctl logs bastion/rack9 --since 1h -o json | jq -r .detail",
                "  labctl logs pulumi/r-0123456789ab -f"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:ok; server/agent: the log was read to its end (or followed until labd ended it)",
                "1:labd refused (no permission, path not allowed, server offline, capability not installed, ...);"
                        + " audit --verify: a hash chain is broken",
                "2:usage error: unknown type, bad name, --since, --lines, --file or --mac, or flags that do not fit the type",
                "130:interrupted (Ctrl-C); labd was asked to stop reading",
                "255:labctl could not reach labd, or lost the connection while reading"})
public final class LogsCommand extends LabdCommand {
    /** Log types by every spelling the user may give; values are the canonical type. */
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("audit", "audit"),
            Map.entry("server", "server"),
            Map.entry("servers", "server"),
            Map.entry("agent", "agent"),
            Map.entry("agents", "agent"),
            Map.entry("recording", "recording"),
            Map.entry("recordings", "recording"),
            Map.entry("module", "module"),
            Map.entry("modules", "module"),
            Map.entry("build", "build"),
            Map.entry("builds", "build"),
            Map.entry("app", "app"),
            Map.entry("apps", "app"),
            Map.entry("bastion", "bastion"),
            Map.entry("bastions", "bastion"),
            Map.entry("pulumi", "pulumi"),
            Map.entry("run", "pulumi"));
    /** What 'labctl logs audit/...' takes: AuditEntry.session(), user-yyyyMMdd-id. */
    private static final Pattern SESSION = Pattern.compile(".+-\\d{8}-[A-Za-z0-9._-]+");

    @Parameters(index = "0", paramLabel = "TYPE[/NAME]", completionCandidates = Types.class,
            description = "audit, or audit/SESSION for one session's rows; server/NAME; agent/NAME.")
    String resource;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", hidden = true,
            description = "NAME, when given as TYPE NAME instead of TYPE/NAME.")
    String separateName;

    @Option(names = {"-f", "--follow"}, description = "server, agent, bastion: keep printing new lines until Ctrl-C.")
    boolean follow;

    @Option(names = {"-n", "--lines"}, paramLabel = "N",
            description = "server, agent: start with the last N lines (default: the agent's); bastion: the last N events.")
    Integer lines;

    @Option(names = {"-u", "--unit"}, paramLabel = "UNIT", description = "server journal: only this systemd unit.")
    String unit;

    @Option(names = {"-k", "--kernel"}, description = "server journal: only kernel messages.")
    boolean kernel;

    @Option(names = {"-p", "--priority"}, paramLabel = "PRIORITY",
            description = "server journal: only this priority and more urgent ones (emerg, alert, crit, err, warning,"
                    + " notice, info, debug or 0-7).")
    String priority;

    @Option(names = "--file", paramLabel = "PATH",
            description = "server: read this log file (absolute path) instead of the journal.")
    String file;

    @Option(names = "--no-compress", negatable = true, defaultValue = "true",
            description = "server, agent: --no-compress has the log sent as it is. By default the agent compresses"
                    + " it (DEFLATE) on its way to labctl: less CPU for the agent, labd and labctl than the plain"
                    + " bytes, and far less network. Without it, what is on the wire does not depend on how well"
                    + " the log compresses.")
    boolean compress = true;

    @Option(names = "--since", paramLabel = "TIME",
            description = "audit, server, bastion: only entries from then on: a duration back (1h, '1h ago'), a date or an ISO"
                    + " time (UTC).")
    String since;

    @Option(names = "--user", paramLabel = "USER", description = "audit: only rows of this user.")
    String user;

    @Option(names = "--action", paramLabel = "ACTION", description = "audit: only rows of this action.")
    String action;

    @Option(names = "--limit", paramLabel = "N", description = "audit: at most N rows (default: labd's).")
    Integer limit;

    @Option(names = "--verify", description = "audit: check the log's hash chains instead of printing rows.")
    boolean verify;

    @Option(names = "--mac", paramLabel = "MAC", description = "bastion: only the events of this machine.")
    String mac;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
            description = "audit: wide (adds instance and sequence number), json or yaml (default: a table); module: json or"
                    + " yaml; bastion: json (one object a line).")
    String output;

    @Option(names = "--cluster", paramLabel = "CLUSTER", description = "app: the cluster (see 'labctl clusters list').")
    String cluster;

    @Option(names = "--container", paramLabel = "C", description = "app: only this container of each pod.")
    String container;

    @Option(names = "--namespace", paramLabel = "NS", description = "app: the namespace (default: default).")
    String namespace;

    /** The log types, for shell completion. */
    static final class Types implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("audit", "server", "agent", "recording", "module", "build", "app", "bastion", "pulumi")
                    .iterator();
        }
    }

    LogsCommand(Cli cli) {
        super(cli);
    }

    @Override
    public Integer call() {
        String[] ref = parse(resource, separateName);
        if (!ref[0].equals("app") && (cluster != null || container != null || namespace != null)) {
            throw usage("--cluster, --container and --namespace are for app/NAME only");
        }
        if (mac != null && !"bastion".equals(ref[0])) {
            throw usage("--mac: only for bastion/ENV logs");
        }
        return switch (ref[0]) {
            case "bastion" -> bastion(ref[1]);
            case "pulumi" -> {
                if (unit != null || kernel || priority != null || file != null || since != null || output != null
                        || lines != null) {
                    throw usage("pulumi/RUN-ID takes -f only");
                }
                yield pulumi(ref[1]);
            }
            case "audit" -> {
                rejectStreamFlags();
                yield audit(ref[1]);
            }
            case "server", "agent" -> stream(ref[0], ref[1]);
            case "recording" -> {
                rejectStreamFlags();
                yield recording(ref[1]);
            }
            case "module" -> {
                rejectStreamFlags();
                yield moduleRun(ref[1]);
            }
            case "build" -> {
                rejectStreamFlags();
                yield build(ref[1]);
            }
            case "app" -> {
                if (unit != null || kernel || priority != null || file != null || since != null || output != null) {
                    throw usage("app/NAME takes -f, -n, --container, --cluster and --namespace only");
                }
                if (ref[1] == null) {
                    throw usage("name the app: logs app/NAME");
                }
                yield new AppLogs(client(), cli.out()).print(ref[1], cluster, namespace, container, follow, lines);
            }
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
            throw usage("unknown log type '" + type + "'; available: audit, server/NAME, agent/NAME, recording/ID, module/RUN-ID,"
                    + " build/ID, bastion/ENV, app/NAME, pulumi/RUN-ID");
        }
        return new String[] {canonical, name};
    }

    /**
     * A Pulumi run's log (the engine's output as labd kept it): all of it, or with -f as it comes until the run has
     * ended. Ctrl-C stops reading; it does not cancel the run (plan, apply and destroy do that).
     */
    private int pulumi(String id) {
        if (id == null) {
            throw usage("name the run: logs pulumi/RUN-ID (labctl get runs lists them)");
        }
        try {
            DescribeCommand.requireRunId(id);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        if (follow) {
            io.labctl.protocol.pulumi.PulumiRun run = PulumiRuns.follow(cli, client(), id, cli.out(), false);
            return run == null ? ExitCodes.CANCELLED : ExitCodes.OK;
        }
        client().getLines(io.labctl.protocol.pulumi.PulumiRun.PATH + "/" + id + "/log", c -> { }, line -> {
            try {
                cli.out().println(Json.json().readValue(line, io.labctl.protocol.pulumi.RunLine.class).text());
            } catch (IOException e) {
                throw CliException.unreachable("labd sent a line that is not a run's log line", e);
            }
        });
        cli.out().flush();
        return ExitCodes.OK;
    }

    /** What the bastion of an environment saw and did: read (the last N events), or follow until Ctrl-C. */
    private int bastion(String environment) {
        String path = BastionEvent.PATH + "/" + environment + "/events" + query(bastionQuery(environment));
        boolean json = "json".equals(output(output, Set.of("json")));
        if (!follow) {
            JavaType type = Json.json().getTypeFactory().constructCollectionType(List.class, BastionEvent.class);
            List<BastionEvent> events = client().get(path, type);
            if (events == null || events.isEmpty()) {
                cli.err().println("No events of bastion/" + environment + (mac == null ? "" : " for " + mac)
                        + " found" + (since == null ? "." : " since " + since + "."));
                return ExitCodes.OK;
            }
            StringBuilder out = new StringBuilder();
            for (BastionEvent e : events) {
                out.append(json ? BastionEventPrinter.json(e) : BastionEventPrinter.line(e));
            }
            print(out.toString());
            return ExitCodes.OK;
        }
        cli.out().flush();
        java.util.concurrent.atomic.AtomicReference<java.io.Closeable> body = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean cancelled = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable cancel = () -> {
            cancelled.set(true);
            java.io.Closeable c = body.get();
            if (c != null) {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // closing is the whole point; the read ends either way
                }
            }
        };
        try (InterruptSource.Registration ignored = cli.interrupts().install(cancel, () -> { })) {
            client().getLines(path, c -> {
                body.set(c);
                if (cancelled.get()) {
                    cancel.run();
                }
            }, line -> {
                BastionEvent e;
                try {
                    e = Json.json().readValue(line, BastionEvent.class);
                } catch (IOException ex) {
                    throw CliException.unreachable("labd sent a line that is not a bastion event: "
                            + line.substring(0, Math.min(line.length(), 120)), ex);
                }
                cli.out().print(json ? BastionEventPrinter.json(e) : BastionEventPrinter.line(e));
                cli.out().flush();
            });
        } catch (CliException e) {
            if (cancelled.get()) {
                return ExitCodes.CANCELLED;
            }
            throw e;
        }
        if (cancelled.get()) {
            return ExitCodes.CANCELLED;
        }
        cli.err().println("labd ended the follow of bastion/" + environment + " (labd stopping, or read on the"
                + " environment was taken away)");
        return ExitCodes.OK;
    }

    /** The bastion log's query, checked here so that mistakes are usage errors (exit 2). */
    Map<String, String> bastionQuery(String environment) {
        if (environment == null) {
            throw usage("missing the environment: labctl logs bastion/ENV");
        }
        try {
            Names.require("environment", environment);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        List<String> other = new ArrayList<>();
        if (unit != null) {
            other.add("-u");
        }
        if (kernel) {
            other.add("-k");
        }
        if (priority != null) {
            other.add("-p");
        }
        if (file != null) {
            other.add("--file");
        }
        if (user != null) {
            other.add("--user");
        }
        if (action != null) {
            other.add("--action");
        }
        if (limit != null) {
            other.add("--limit");
        }
        if (verify) {
            other.add("--verify");
        }
        if (!other.isEmpty()) {
            throw usage(String.join(", ", other) + ": not for bastion/" + environment + " logs, which take --mac, -f,"
                    + " -n, --since and -o json");
        }
        Map<String, String> q = new LinkedHashMap<>();
        if (mac != null) {
            try {
                q.put("mac", Macs.normalize(mac));
            } catch (IllegalArgumentException e) {
                throw usage("--mac " + e.getMessage());
            }
        }
        if (since != null) {
            try {
                q.put("since", DateTimeFormatter.ISO_INSTANT.format(Since.parse(since, cli.now())));
            } catch (IllegalArgumentException e) {
                throw usage("--since " + e.getMessage());
            }
        }
        if (lines != null) {
            if (lines < 1 || lines > BastionEvent.MAX_LIMIT) {
                throw usage("--lines must be from 1 to " + BastionEvent.MAX_LIMIT + ", not " + lines);
            }
            q.put("limit", Integer.toString(lines));
        }
        if (follow) {
            q.put("follow", "true");
        }
        return q;
    }

    /** A recorded exec session as its asciinema v2 text: 'labctl logs recording/ID > s.cast; asciinema play s.cast'. */
    private int recording(String id) {
        if (id == null || !id.matches("[0-9]{8}-[0-9]{6}-[a-z0-9.-]+-[0-9a-f]{8}")) {
            throw usage("give a recording id from 'labctl get recordings', e.g. recording/20261126-070000-web-1-0123abcd");
        }
        io.labctl.protocol.exec.Recording r = client().get(Api.RECORDINGS + "/" + id, io.labctl.protocol.exec.Recording.class);
        print(r.cast());
        return ExitCodes.OK;
    }

    /** A custom module's build from git: its log (clone, Maven's output, checks), or the build as json|yaml. */
    private int build(String id) {
        String format = output(output, Set.of("json", "yaml"));
        if (id == null || !id.matches("[0-9a-fA-F-]{6,36}")) {
            throw usage("give a build id (or its first 6 or more characters) from 'labctl modules add' or the LAST-BUILD"
                    + " column of 'labctl modules sources', e.g. build/3f9a2c71");
        }
        io.labctl.protocol.sources.BuildInfo b = client().get(io.labctl.protocol.sources.BuildInfo.PATH + "/" + id,
                io.labctl.protocol.sources.BuildInfo.class);
        if ("json".equals(format)) {
            print(Formats.json(b));
        } else if ("yaml".equals(format)) {
            print(Formats.yaml(b));
        } else {
            print(b.log() == null ? "" : b.log());
            if (!io.labctl.protocol.sources.BuildInfo.RUNNING.equals(b.state())) {
                print(io.labctl.cli.render.SourcePrinter.outcome(b));
            }
        }
        return ExitCodes.OK;
    }

    /** One module run's per-resource report. */
    private int moduleRun(String id) {
        String format = output(output, Set.of("json", "yaml"));
        if (id == null || !id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            throw usage("give a run id from the RUN column of 'labctl modules status -o wide', e.g. module/RUN-ID");
        }
        ModuleRun run = client().get(ModulesCommand.RUNS + "/" + id, ModuleRun.class);
        if ("json".equals(format)) {
            print(Formats.json(run));
        } else if ("yaml".equals(format)) {
            print(Formats.yaml(run));
        } else {
            print(ModulePrinter.run(run, cli.now()));
        }
        return ExitCodes.OK;
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
        if (nonEmpty("--user", user) != null) {
            q.put("user", user);
        }
        if (nonEmpty("--action", action) != null) {
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
            try {
                AuditEntry.queryLimit(limit);
            } catch (InvalidInput e) {
                throw usage(e.asFlag());
            }
            q.put("limit", Integer.toString(limit));
        }
        return q;
    }

    /** An empty filter (an unset variable) is refused: dropped, it would widen the answer to every row. */
    private String nonEmpty(String flag, String value) {
        if (value != null && value.isBlank()) {
            throw usage(flag + " is empty; give a value or leave the flag out");
        }
        return value;
    }

    static String query(Map<String, String> params) {
        if (params.isEmpty()) {
            return "";
        }
        return params.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&", "?", ""));
    }

    /** Flags of server and agent logs make no sense for the audit log; before, picocli rejected them as unknown. */
    private void rejectStreamFlags() {
        List<String> given = new ArrayList<>();
        if (follow) {
            given.add("-f");
        }
        if (lines != null) {
            given.add("-n");
        }
        if (unit != null) {
            given.add("-u");
        }
        if (kernel) {
            given.add("-k");
        }
        if (priority != null) {
            given.add("-p");
        }
        if (file != null) {
            given.add("--file");
        }
        if (!given.isEmpty()) {
            throw usage(String.join(", ", given) + ": only for server/NAME and agent/NAME logs, not for the audit log");
        }
    }

    /** server/NAME or agent/NAME: checks everything locally, then streams the log to stdout. */
    private int stream(String type, String name) {
        if (name == null) {
            throw usage("missing the name: labctl logs " + type + "/NAME");
        }
        try {
            Names.require("server name", name);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        List<String> auditOnly = new ArrayList<>();
        if (user != null) {
            auditOnly.add("--user");
        }
        if (action != null) {
            auditOnly.add("--action");
        }
        if (limit != null) {
            auditOnly.add("--limit");
        }
        if (verify) {
            auditOnly.add("--verify");
        }
        if (output != null) {
            auditOnly.add("-o");
        }
        if (!auditOnly.isEmpty()) {
            throw usage(String.join(", ", auditOnly) + ": only for the audit log; " + type
                    + " logs print as they are (use -n to limit them)");
        }
        LogsRequest request = request(type, name);
        String what = switch (request.source()) {
            case LogsRequest.FILE -> request.path() + " on server/" + name;
            case LogsRequest.AGENT -> "the log of agent/" + name;
            default -> "the journal of server/" + name;
        };
        return read(name, request, what);
    }

    /** The request for labd, checked here against the shared contract so mistakes are usage errors (exit 2). */
    LogsRequest request(String type, String name) {
        List<String> journalOnly = new ArrayList<>();
        if (unit != null) {
            journalOnly.add("-u");
        }
        if (kernel) {
            journalOnly.add("-k");
        }
        if (priority != null) {
            journalOnly.add("-p");
        }
        String source;
        if ("agent".equals(type)) {
            List<String> extra = new ArrayList<>(journalOnly);
            if (file != null) {
                extra.add("--file");
            }
            if (since != null) {
                extra.add("--since");
            }
            if (!extra.isEmpty()) {
                throw usage(String.join(", ", extra) + ": agent/" + name + " takes only -f and -n; for the server's"
                        + " journal use server/" + name);
            }
            source = LogsRequest.AGENT;
        } else if (file != null) {
            if (!journalOnly.isEmpty()) {
                throw usage(String.join(", ", journalOnly) + ": only for the journal, not with --file");
            }
            if (!file.startsWith("/")) {
                throw usage("--file needs an absolute path on the server, e.g. /var/log/syslog, not '" + file + "'");
            }
            source = LogsRequest.FILE;
        } else {
            source = LogsRequest.JOURNAL;
        }
        if (lines != null && (lines < 0 || lines > LogsRequest.MAX_LINES)) {
            throw usage("--lines must be from 0 to " + LogsRequest.MAX_LINES + ", not " + lines);
        }
        Instant from = null;
        if (since != null) {
            try {
                from = Since.parse(since, cli.now());
            } catch (IllegalArgumentException e) {
                throw usage("--since " + e.getMessage());
            }
        }
        LogsRequest wanted = new LogsRequest(source, follow, lines, unit, from, priority, kernel, file, null,
                compress ? LogsRequest.DEFLATE : null);
        try {
            // what labd and the agent will check anyway (unit name, priority, path); normalised, e.g. 'ERR' -> 'err'
            return LogsRequest.fromParams(wanted.toParams());
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private int read(String server, LogsRequest request, String what) {
        LabdClient client = client();
        Stdio io = cli.stdio();
        cli.out().flush();
        cli.err().flush();
        Relay relay = new Relay(io.out());
        ExecStream stream = ExecStream.logs(server, request, what, relay, ExecStream.Timing.DEFAULT);
        Outcome outcome;
        try (InterruptSource.Registration ignored = cli.interrupts().install(stream::cancel, () -> { })) {
            outcome = stream.run(Connector.labd(client, Api.LOGS_SOCKET));
        }
        return report(outcome, what, relay);
    }

    private int report(Outcome o, String what, Relay relay) {
        int code = switch (o.kind()) {
            case EXITED -> {
                // a log read has no exit status of its own: CLOSE without one is a normal end too
                if (o.exitCode() == null || o.exitCode() == 0) {
                    yield ExitCodes.OK;
                }
                cli.err().println("error: reading " + what + " failed on the server (exit code " + o.exitCode() + ")");
                yield ExitCodes.REFUSED;
            }
            case REFUSED -> {
                cli.err().println("error: " + o.message());
                yield o.exitStatus();
            }
            case CANCELLED -> ExitCodes.CANCELLED;  // the user pressed Ctrl-C and knows why
            case FAILED, TIMED_OUT -> {
                if (relay.readerGone) {
                    // '| head' has all it wants: stopping here is the normal end of such a pipe, not an error
                    yield ExitCodes.OK;
                }
                cli.err().println("error: " + o.message());
                yield o.exitStatus();
            }
        };
        cli.err().flush();
        return code;
    }

    /**
     * The log's bytes straight to stdout, flushed per frame; notes when the reader of a pipe went away. Compressed
     * frames pass on undecoded where stdout takes them (a labctl session's: its client inflates them).
     */
    private static final class Relay implements ExecStream.Output {
        private final OutputStream out;
        volatile boolean readerGone;

        Relay(OutputStream out) {
            this.out = out;
        }

        @Override
        public void stdout(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
                out.flush();
            } catch (IOException e) {
                throw noted(e);
            }
        }

        @Override
        public void stderr(byte[] b, int off, int len) throws IOException {
            stdout(b, off, len);  // logs have one output; labd never tags it
        }

        @Override
        public boolean deflated(byte[] payload) throws IOException {
            if (!(out instanceof CompressedStdout compressed)) {
                return false;
            }
            try {
                compressed.writeDeflated(payload, 0, payload.length);
            } catch (IOException e) {
                throw noted(e);
            }
            return true;
        }

        private IOException noted(IOException e) {
            readerGone = e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("broken pipe");
            return e;
        }
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
