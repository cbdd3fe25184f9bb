package io.labctl.cli.cmd;

import io.labctl.cli.Cli;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.config.ContextEntry;
import io.labctl.cli.http.LabdClient;
import io.labctl.protocol.Api;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "version", mixinStandardHelpOptions = true,
        description = {"Print labctl's version, and with --server the version of labd in the current context.", "",
                "Examples:",
                "  labctl version",
                "  labctl version --server"})
public final class VersionCommand extends LabdCommand {
    @Option(names = "--server", description = "Also ask labd (GET /api/v1/health) for its version.")
    boolean server;

    VersionCommand(Cli cli) {
        super(cli);
    }

    @Override
    public Integer call() {
        if ("1".equals(cli.env("LABCTL_CDS_TRAINING"))) {
            io.labctl.cli.Cli.warmForCds();
        }
        cli.out().println("Client Version: " + Cli.version());
        cli.out().flush();
        if (server) {
            ContextEntry ctx = cli.context();
            Map<?, ?> health = LabdClient.anonymous(ctx.server(), ctx.caCertificate()).get(Api.HEALTH, Map.class);
            Object v = health == null ? null : health.get("version");
            Object status = health == null ? null : health.get("status");
            cli.out().println("Server Version: " + (v == null ? "<unknown>" : v) + " (" + ctx.server()
                    + ", status " + (status == null ? "<unknown>" : status) + ")");
        }
        return ExitCodes.OK;
    }
}
