package io.labctl.cli;

import io.labctl.cli.cmd.AgentsCommand;
import io.labctl.cli.cmd.ClustersCommand;
import io.labctl.cli.cmd.AuthCommand;
import io.labctl.cli.cmd.BindCommand;
import io.labctl.cli.cmd.CompletionCommand;
import io.labctl.cli.cmd.ConfigCommand;
import io.labctl.cli.cmd.CreateCommand;
import io.labctl.cli.cmd.DeleteCommand;
import io.labctl.cli.cmd.DescribeCommand;
import io.labctl.cli.cmd.ExecCommand;
import io.labctl.cli.cmd.GetCommand;
import io.labctl.cli.cmd.InitCommand;
import io.labctl.cli.cmd.LogsCommand;
import io.labctl.cli.cmd.ModulesCommand;
import io.labctl.cli.cmd.PingCommand;
import io.labctl.cli.cmd.ProvisionCommand;
import io.labctl.cli.cmd.QuickstartCommand;
import io.labctl.cli.cmd.SessionCommand;
import io.labctl.cli.cmd.RepoCommand;
import io.labctl.cli.cmd.SystemCommand;
import io.labctl.cli.cmd.UnbindCommand;
import io.labctl.cli.cmd.VersionCommand;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "labctl",
        mixinStandardHelpOptions = true,
        versionProvider = LabctlCommand.Version.class,
        sortOptions = false,
        header = "labctl controls the lab platform through labd: servers, remote commands, server logs, join tokens, users, roles and the audit log.",
        synopsisSubcommandLabel = "COMMAND",
        description = {"", "Examples:",
                "  labctl quickstart                         # labd + one agent on this machine",
                "  labctl get servers --env lab -o wide",
                "  labctl describe server/web-1",
                "  TOKEN=$(labctl create token --env lab --ttl 1h)",
                "  labctl create user alice && labctl bind role viewer --user alice",
                "  labctl exec server/web-1 -- uname -a",
                "  labctl exec -l env=lab,role=worker --batch 10%% -- uptime",
                "  labctl auth can-i exec server/web-1",
                "  labctl logs server/web-1 -u nginx -f",
                "  labctl logs audit --user alice --since 1h",
                "  labctl config import ~/alice.labctl.yaml", ""},
        commandListHeading = "%nCommands:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:ok",
                "1:labd refused or failed the request (its message is printed as 'error: <message>')",
                "2:usage error: unknown command or flag, malformed selector, duration or name, no usable context",
                "77:exec, logs: labd ended the stream because your access ended (user deleted, certificate revoked, role unbound)",
                "124:exec: --timeout passed and labd was asked to stop the command",
                "130:exec, logs: interrupted (Ctrl-C) and labd was asked to stop the command or the log stream",
                "255:labctl could not reach or talk to labd (connection refused, TLS failure, timeout)",
                "0..255:exec on one server: the command's own exit code (see 'labctl exec --help')"},
        footerHeading = "%nEnvironment:%n",
        footer = {
                "  LABCTL_CONFIG          config file (default ~/.labctl/config.yaml)",
                "  LABCTL_QUICKSTART_DIR  quickstart state (default ~/.labctl/quickstart)",
                "  LABCTL_DEBUG=1         print stack traces on errors",
                "  LABCTL_SESSION=off     run every command in its own process, not in your labctl session",
                "  LABCTL_SESSION_IDLE    how long an unused labctl session lives (default 10m)"})
public final class LabctlCommand implements Callable<Integer> {
    /** The verbs, in the order help lists them; {@link Main} adds them (all, or only the one an invocation names). */
    public static final List<Class<?>> VERBS = List.of(GetCommand.class, DescribeCommand.class, CreateCommand.class,
            DeleteCommand.class, BindCommand.class, UnbindCommand.class, AuthCommand.class, LogsCommand.class,
            PingCommand.class, ExecCommand.class, ProvisionCommand.class, RepoCommand.class, InitCommand.class, ConfigCommand.class,
            QuickstartCommand.class, SessionCommand.class, SystemCommand.class, ModulesCommand.class, AgentsCommand.class, ClustersCommand.class, io.labctl.cli.cmd.KubectlCommand.class,
            io.labctl.cli.cmd.PlanCommand.class, io.labctl.cli.cmd.ApplyCommand.class, io.labctl.cli.cmd.DestroyCommand.class,
            io.labctl.cli.cmd.AppsCommand.class,
            CompletionCommand.class,
            VersionCommand.class);

    private final Cli cli;

    @Spec
    CommandSpec spec;

    /** Also accepted before the verb, as kubectl does: labctl --config FILE get servers. */
    @picocli.CommandLine.Mixin
    GlobalOptions globals;

    LabctlCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(cli.out());
        return ExitCodes.OK;
    }

    /** The CLI's own version for --version. */
    public static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"labctl " + Cli.version()};
        }
    }
}
