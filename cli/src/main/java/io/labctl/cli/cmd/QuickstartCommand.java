package io.labctl.cli.cmd;

import io.labctl.cli.Cli;
import io.labctl.cli.RunsLocally;
import io.labctl.cli.quickstart.Quickstart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "quickstart", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run labd and one lab-agent on this machine, in the background, and enrol the agent.", "",
                "Unpacks the distributions (building them with Maven the first time) under ~/.labctl/quickstart",
                "($LABCTL_QUICKSTART_DIR), starts labd on 127.0.0.1, imports its admin credentials as the context",
                "'quickstart', enrols the agent with a one-time token and waits until the server is online.",
                "Run again to restart stopped processes; state (CA, database, agent identity) is kept.", "",
                "Examples:",
                "  ./labctl quickstart",
                "  ./labctl quickstart --port 9443",
                "  ./labctl quickstart status",
                "  ./labctl quickstart stop",
                "  ./labctl quickstart --reset --yes         # forget everything and start fresh"},
        subcommands = {QuickstartCommand.Stop.class, QuickstartCommand.Status.class})
public final class QuickstartCommand extends LabdCommand implements RunsLocally {
    @Option(names = "--port", paramLabel = "PORT", description = "labd's HTTPS port on the first run (default: 8443).")
    Integer port;

    @picocli.CommandLine.Mixin
    ResetOptions resetting = new ResetOptions();

    /** --reset and its confirmation, shared by quickstart and quickstart stop. */
    static final class ResetOptions {
        @Option(names = "--reset", description = "Delete the quickstart directory: labd's CA, database and the agent's identity (needs --yes).")
        boolean reset;

        @Option(names = "--yes", description = "Confirm --reset.")
        boolean yes;
    }

    QuickstartCommand(Cli cli) {
        super(cli);
    }

    @Override
    public Integer call() {
        Quickstart qs = new Quickstart(cli);
        if (resetting.reset) {
            resetConfirmed(this, qs, resetting.yes);
        }
        return qs.up(port);
    }

    /** Deletes the quickstart state, but only when the operator confirmed with --yes. */
    private static void resetConfirmed(LabdCommand command, Quickstart qs, boolean yes) {
        if (!yes) {
            throw command.usage("--reset deletes " + command.cli.quickstartDir() + " (labd's CA, database and the"
                    + " agent's identity); add --yes to confirm");
        }
        qs.reset();
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = {"Stop the quickstart agent, then labd.", "", "Examples:",
                    "  ./labctl quickstart stop", "  ./labctl quickstart stop --reset --yes    # and delete its state"})
    static final class Stop extends LabdCommand {
        @picocli.CommandLine.Mixin
        ResetOptions resetting = new ResetOptions();

        Stop(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            Quickstart qs = new Quickstart(cli);
            if (resetting.reset) {
                resetConfirmed(this, qs, resetting.yes);
                return 0;
            }
            return qs.stop();
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Show whether the quickstart labd and agent run, and labd's health.",
                    "Exits 0 when both run and labd is healthy, 1 otherwise.", "", "Example:", "  ./labctl quickstart status"})
    static final class Status extends LabdCommand {
        Status(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            return new Quickstart(cli).status();
        }
    }
}
