package io.labctl.cli.cmd;

import io.labctl.cli.Cli;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.render.ServerPrinter;
import io.labctl.protocol.Api;
import io.labctl.protocol.ServerInfo;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "describe", mixinStandardHelpOptions = true,
        description = {"Show the details of a server: status, scope, labels, certificate and host facts.", "",
                "Examples:",
                "  labctl describe server/web-1",
                "  labctl describe server web-1",
                "  labctl describe server/web-1 server/web-2"})
public final class DescribeCommand extends LabdCommand {
    @Parameters(paramLabel = "RESOURCE", arity = "1..*", description = "server/NAME, or: server NAME")
    List<String> args = new ArrayList<>();

    DescribeCommand(Cli cli) {
        super(cli);
    }

    @Override
    public Integer call() {
        List<String> names = serverNames(args);
        var client = client();
        boolean first = true;
        for (String name : names) {
            ServerInfo s = client.get(Api.SERVERS + "/" + name, ServerInfo.class);
            if (!first) {
                cli.out().println();
            }
            first = false;
            print(ServerPrinter.describe(s, cli.now()));
        }
        return ExitCodes.OK;
    }
}
