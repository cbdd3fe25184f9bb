package io.labctl.cli.cmd;

import com.fasterxml.jackson.databind.JavaType;
import io.labctl.cli.Cli;
import io.labctl.cli.RunsLocally;
import io.labctl.cli.CliException;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.Stdio;
import io.labctl.cli.exec.Connector;
import io.labctl.cli.exec.ExecStream;
import io.labctl.cli.exec.FanOut;
import io.labctl.cli.exec.InterruptSource;
import io.labctl.cli.exec.LocalTerminal;
import io.labctl.cli.exec.Outcome;
import io.labctl.cli.http.LabdClient;
import io.labctl.cli.render.Formats;
import io.labctl.cli.render.Table;
import io.labctl.protocol.Api;
import io.labctl.protocol.Durations;
import io.labctl.protocol.Json;
import io.labctl.protocol.Names;
import io.labctl.protocol.Selector;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.channel.Frame;
import io.labctl.protocol.channel.FrameType;
import io.labctl.protocol.channel.StreamOpen;
import io.labctl.protocol.exec.ExecRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "exec", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = {
                "labctl exec [-it] [--timeout=DURATION] server/NAME -- CMD [ARG...]",
                "       labctl exec -l SELECTOR [--batch=N|P%%] [--timeout=DURATION] [-o json] -- CMD [ARG...]"},
        description = {"Run a command on a server through labd, or on every server a selector matches.", "",
                "The command is an argument vector, not a shell line: for pipes or globs run",
                "sh -c '...' explicitly. Everything after '--' belongs to the command.", "",
                "One server: stdout and stderr stay apart, and labctl exits with the command's",
                "exit code. stdin is forwarded when it is not a terminal, or with -i. -t runs the",
                "command in a pseudo-terminal (implies -i): the local terminal goes to raw mode,",
                "so every key, Ctrl-C included, reaches the command; its size follows the window.",
                "Ctrl-C without -t asks labd to stop the command (a second one gives up waiting).", "",
                "Many servers (--selector): servers that are not online are listed as offline",
                "and not waited for; the others run at most --batch at a time (default all, at",
                "most " + FanOut.MAX_PARALLEL + "), without stdin. Each output line is printed as 'NAME: line'",
                "(stderr lines on stderr), then a summary table NAME STATUS EXIT on stderr. STATUS is ok, failed",
                "(ran and exited non-zero, timed out or cancelled), offline, denied (labd refused",
                "you exec there) or error. -o json prints instead one array of {server, status,",
                "exitCode, stdout, stderr, error} (output kept up to 1 MiB per stream).", "",
                "Examples:",
                "  labctl exec server/web-1 -- uname -a",
                "  labctl exec web-1 -- sh -c 'df -h / && free -m'",
                "  labctl exec server/web-1 --timeout 30s -- systemctl restart nginx",
                "  tar cz ./conf | labctl exec server/web-1 -- tar xz -C /etc/app",
                "  labctl exec -it server/web-1 -- bash",
                "  labctl exec -l env=lab,role=worker -- uptime",
                "  labctl exec -l env=lab --batch 10%% --timeout 5m -- apt-get -y upgrade",
                "  labctl exec -l 'role=db,!draining' -o json -- pg_isready"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0..255:one server: the command's own exit code",
                "0:--selector: every matched server ran the command and it exited 0",
                "1:labd refused (no permission, server offline, capability not installed, command not found, ...);"
                        + " --selector: some server did not run or did not exit 0, or none matched",
                "2:usage error: no '--' or no command, bad --timeout, --batch or selector",
                "124:--timeout passed; labd was asked to stop the command",
                "130:interrupted (Ctrl-C); labd was asked to stop the command",
                "255:labctl could not reach labd, or lost the connection while the command ran"})
public final class ExecCommand extends LabdCommand implements RunsLocally {
    private static final Pattern BATCH = Pattern.compile("([1-9][0-9]{0,8})(%?)");

    @Parameters(paramLabel = "ARG", description = "server/NAME (or NAME), then -- and the command.")
    List<String> args = new ArrayList<>();

    @Option(names = {"-l", "--selector"}, paramLabel = "SELECTOR",
            description = "Run on every server this selector matches, e.g. env=lab,role=worker.")
    String selector;

    @Option(names = {"-i", "--stdin"}, description = "Forward stdin even when it is a terminal.")
    boolean interactive;

    @Option(names = {"-t", "--tty"}, description = "Run the command in a pseudo-terminal (implies -i).")
    boolean tty;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "Stop the command after this long (30s, 5m, 1h); labctl then exits 124.")
    String timeout;

    @Option(names = "--batch", paramLabel = "N|P%",
            description = "--selector: at most N servers (or P%% of the online ones) at a time.")
    String batch;

    /** -t on a terminal puts that terminal in raw mode, which only the process attached to it can do. */
    @Override
    public boolean runsLocally(Cli cli) {
        return tty && cli.stdio().stdinIsTerminal().getAsBoolean();
    }

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "--selector: json instead of lines and a table.")
    String output;

    ExecCommand(Cli cli) {
        super(cli);
    }

    @Override
    public Integer call() {
        List<String> command = command();
        List<String> targets = args.subList(0, args.size() - command.size());
        Duration limit = timeout();
        if (selector != null) {
            if (!targets.isEmpty()) {
                throw usage("give either server/NAME or --selector, not both");
            }
            if (interactive || tty) {
                throw usage("-i and -t work with one server only, not with --selector");
            }
            boolean json = "json".equals(output(output, Set.of("json")));
            Selector sel = selector();
            Batch size = batch();  // checked before any request
            return fanOut(sel, size, command, limit, json);
        }
        if (output != null) {
            throw usage("-o works with --selector only; one server's output is the command's own");
        }
        if (batch != null) {
            throw usage("--batch works with --selector only");
        }
        return single(target(targets), command, limit);
    }

    /** The words after '--': picocli hands all positionals over in one list, so count them in the original args. */
    private List<String> command() {
        List<String> original = spec.commandLine().getParseResult().originalArgs();
        int dashes = original.indexOf("--");
        if (dashes < 0) {
            throw usage("missing '--' before the command, e.g. labctl exec server/web-1 -- uname -a");
        }
        int n = original.size() - dashes - 1;
        if (n == 0) {
            throw usage("missing the command after '--', e.g. labctl exec server/web-1 -- uname -a");
        }
        if (n > args.size()) {
            throw usage("cannot tell the command from the server; put '--' right before the command");
        }
        List<String> command = List.copyOf(args.subList(args.size() - n, args.size()));
        ExecRequest request = new ExecRequest(command, false, 80, 24);
        try {
            ExecRequest.fromParams(request.toParams());
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        try {
            Frame.json(FrameType.OPEN, 1, new StreamOpen(ExecRequest.KIND, request.toParams(), 0));
        } catch (IllegalArgumentException e) {
            // within the byte limit, but escaping (quotes, backslashes, control characters) made it too large to send
            throw usage("the command's arguments are too large to send once encoded (" + e.getMessage() + "): "
                    + ExecRequest.LARGE_SCRIPT_FIX);
        }
        return command;
    }

    private String target(List<String> targets) {
        if (targets.isEmpty()) {
            throw usage("missing the server: labctl exec server/NAME -- CMD, or --selector for many servers");
        }
        if (targets.size() == 1 && !targets.get(0).contains("/")) {
            try {
                return Names.require("server name", targets.get(0));
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
        }
        List<String> names = serverNames(targets);
        if (names.size() != 1) {
            throw usage("exec runs on one server; for many, use --selector (e.g. -l name=web-1 or -l role=web)");
        }
        return names.get(0);
    }

    private Duration timeout() {
        if (timeout == null) {
            return null;
        }
        Duration d;
        try {
            d = Durations.parse(timeout);
        } catch (IllegalArgumentException e) {
            throw usage("--timeout " + e.getMessage());
        }
        if (d.isZero() || d.isNegative()) {
            throw usage("--timeout must be longer than 0");
        }
        return d;
    }

    private Selector selector() {
        if (selector.isBlank()) {
            throw usage("--selector is empty; to run on every server you may read, use --selector name");
        }
        try {
            return Selector.parse(selector);
        } catch (IllegalArgumentException e) {
            throw usage("invalid selector: " + e.getMessage());
        }
    }

    /** --batch: a count of servers, or a percentage of the online ones. */
    record Batch(int value, boolean percent) {
        static final Batch ALL = new Batch(100, true);

        /** {@code N} or {@code P%}; exec and modules take the same --batch. */
        static Batch parse(String text) {
            Matcher m = BATCH.matcher(text.strip());
            if (!m.matches() || (!m.group(2).isEmpty() && Integer.parseInt(m.group(1)) > 100)) {
                throw new IllegalArgumentException("--batch '" + text + "' is not a count (e.g. 10) or a percentage"
                        + " from 1% to 100% (e.g. 25%)");
            }
            return new Batch(Integer.parseInt(m.group(1)), !m.group(2).isEmpty());
        }

        /** Streams at a time for this many online servers: at least 1, at most {@link FanOut#MAX_PARALLEL}. */
        int parallel(int online) {
            int n = percent ? (int) Math.ceil(online * value / 100.0) : value;
            return Math.max(1, Math.min(n, FanOut.MAX_PARALLEL));
        }
    }

    private Batch batch() {
        if (batch == null) {
            return Batch.ALL;
        }
        try {
            return Batch.parse(batch);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private static Connector connector(LabdClient client) {
        return Connector.labd(client, Api.EXEC_SOCKET);
    }

    private int single(String server, List<String> command, Duration limit) {
        LabdClient client = client();
        Stdio io = cli.stdio();
        boolean stdinTerminal = io.stdinIsTerminal().getAsBoolean();
        boolean useTty = tty;
        if (tty && !stdinTerminal) {
            cli.err().println("warning: stdin is not a terminal; running without a pseudo-terminal");
            useTty = false;
        }
        boolean forward = interactive || tty || !stdinTerminal;
        cli.out().flush();
        cli.err().flush();
        LocalTerminal terminal = null;
        if (useTty) {
            try {
                terminal = LocalTerminal.raw();
            } catch (IOException e) {
                throw new CliException(ExitCodes.UNREACHABLE, "cannot put the terminal in raw mode for -t: "
                        + e.getMessage() + "; run without -t", e);
            }
        }
        Outcome outcome;
        try {
            ExecRequest request = new ExecRequest(command, useTty, terminal == null ? 80 : terminal.cols(),
                    terminal == null ? 24 : terminal.rows());
            ExecStream stream = new ExecStream(server, request, new Direct(io.out(), io.err()),
                    forward ? io.in() : null, limit, ExecStream.Timing.DEFAULT);
            if (terminal != null) {
                terminal.onResize(stream::resize);
            }
            LocalTerminal t = terminal;
            try (InterruptSource.Registration ignored = cli.interrupts().install(stream::cancel, () -> {
                if (t != null) {
                    t.close();
                }
            })) {
                outcome = stream.run(connector(client));
            }
        } finally {
            if (terminal != null) {
                terminal.close();
            }
        }
        return report(outcome, server);
    }

    private int report(Outcome o, String server) {
        switch (o.kind()) {
            case EXITED -> {
                if (o.exitCode() == null) {
                    cli.err().println("error: labd ended the command on server/" + server + " without an exit code");
                } else if (o.exitCode() < 0 || o.exitCode() > 255) {
                    cli.err().println("error: the command on server/" + server + " exited with " + o.exitCode()
                            + ", which is not an exit code from 0 to 255");
                }
            }
            case CANCELLED -> {
                // the user pressed Ctrl-C and knows why
            }
            default -> cli.err().println("error: " + o.message());
        }
        cli.err().flush();
        return o.exitStatus();
    }

    private int fanOut(Selector sel, Batch batchSize, List<String> command, Duration limit, boolean json) {
        LabdClient client = client();
        JavaType type = Json.json().getTypeFactory().constructCollectionType(List.class, ServerInfo.class);
        List<ServerInfo> servers = client.get(Api.SERVERS + "?selector="
                + URLEncoder.encode(sel.toString(), StandardCharsets.UTF_8), type);
        if (servers == null || servers.isEmpty()) {
            throw CliException.refused("no servers match the selector '" + sel + "' (or none you may read);"
                    + " see 'labctl get servers -l " + sel + "'");
        }
        int online = (int) servers.stream().filter(s -> ServerInfo.ONLINE.equals(s.status())).count();
        ExecRequest request = new ExecRequest(command, false, 80, 24);
        Stdio io = cli.stdio();
        cli.out().flush();
        cli.err().flush();
        FanOut fan = new FanOut(connector(client),
                (server, out) -> new ExecStream(server, request, out, null, limit, ExecStream.Timing.DEFAULT),
                batchSize.parallel(online), json, io.out(), io.err());
        List<FanOut.Result> results;
        try (InterruptSource.Registration ignored = cli.interrupts().install(fan::cancel, () -> { })) {
            results = fan.run(servers);
        }
        if (json) {
            print(Formats.json(results));
        } else {
            Table table = new Table("NAME", "STATUS", "EXIT");
            for (FanOut.Result r : results) {
                table.row(r.server(), r.status(), r.exitCode() == null ? "-" : r.exitCode().toString());
            }
            cli.err().print(table.render());
            cli.err().flush();
        }
        if (fan.cancelled()) {
            return ExitCodes.CANCELLED;
        }
        return results.stream().allMatch(FanOut.Result::ok) ? ExitCodes.OK : ExitCodes.REFUSED;
    }

    /** One server: output straight through, flushed per frame. */
    private record Direct(OutputStream out, OutputStream err) implements ExecStream.Output {
        @Override
        public void stdout(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            out.flush();
        }

        @Override
        public void stderr(byte[] b, int off, int len) throws IOException {
            err.write(b, off, len);
            err.flush();
        }
    }
}
