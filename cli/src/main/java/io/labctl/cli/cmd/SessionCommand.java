package io.labctl.cli.cmd;

import io.labctl.cli.Cli;
import io.labctl.cli.CliException;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.RunsLocally;
import io.labctl.cli.render.Formats;
import io.labctl.cli.render.Table;
import io.labctl.cli.session.SessionControl;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

// always local: it looks at the session from outside
@Command(name = "session", mixinStandardHelpOptions = true,
        description = {"Show or stop your labctl session: the long-lived labctl that the launcher hands commands to, so that "
                + "they start in tens of milliseconds and reuse their connections to labd. It starts on first use, "
                + "listens on a socket only you can reach ($XDG_RUNTIME_DIR/labctl or /tmp/labctl-UID, or "
                + "$LABCTL_SESSION_DIR), reads your config afresh for every command, and ends after "
                + "$LABCTL_SESSION_IDLE (default 10m) without one. LABCTL_SESSION=off runs every command in its own "
                + "process instead.", "",
                "Examples:",
                "  labctl session status",
                "  labctl session stop",
                "  LABCTL_SESSION=off labctl get servers"},
        subcommands = {SessionCommand.Status.class, SessionCommand.Stop.class})
public final class SessionCommand implements Callable<Integer>, RunsLocally {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: status or stop");
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "List running labctl sessions. Exits 0 when one of this labctl build runs, 3 when none does.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:a session of this labctl build is running", "3:none is"})
    static final class Status implements Callable<Integer> {
        private final Cli cli;

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "json or yaml instead of a table.")
        String output;

        @Spec
        CommandSpec spec;

        Status(Cli cli) {
            this.cli = cli;
        }

        @Override
        public Integer call() {
            if (output != null && !Set.of("json", "yaml").contains(output)) {
                throw new ParameterException(spec.commandLine(), "output format '" + output + "' is not one of json, yaml");
            }
            List<SessionControl.Session> sessions = sessions(cli);
            if ("json".equals(output)) {
                cli.out().print(Formats.json(sessions));
            } else if ("yaml".equals(output)) {
                cli.out().print(Formats.yaml(sessions));
            } else if (sessions.isEmpty()) {
                cli.err().println("no labctl session is running; the next labctl command starts one");
            } else {
                Table t = new Table("PID", "BUILD", "STARTED", "SOCKET");
                for (SessionControl.Session s : sessions) {
                    t.row(Long.toString(s.pid()), s.current() ? "this" : "older", String.valueOf(s.started()), s.socket());
                }
                cli.out().print(t.render());
            }
            cli.out().flush();
            return sessions.stream().anyMatch(SessionControl.Session::current) ? ExitCodes.OK : 3;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop your running labctl sessions (their commands in progress end with them). The next "
                    + "command starts a new one.")
    static final class Stop implements Callable<Integer> {
        private final Cli cli;

        Stop(Cli cli) {
            this.cli = cli;
        }

        @Override
        public Integer call() {
            List<SessionControl.Session> stopped;
            try {
                stopped = SessionControl.stopAll(cli.environment());
            } catch (IOException e) {
                throw new CliException(ExitCodes.REFUSED, "cannot read the session directory: " + e.getMessage(), e);
            }
            if (stopped.isEmpty()) {
                cli.out().println("no labctl session was running");
            }
            for (SessionControl.Session s : stopped) {
                cli.out().println("stopped labctl session (pid " + s.pid() + ")");
            }
            cli.out().flush();
            return ExitCodes.OK;
        }
    }

    static List<SessionControl.Session> sessions(Cli cli) {
        try {
            return SessionControl.list(cli.environment());
        } catch (IOException e) {
            throw new CliException(ExitCodes.REFUSED, "cannot read the session directory: " + e.getMessage(), e);
        }
    }
}
