package io.labctl.cli.cmd;

import io.labctl.cli.Cli;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.render.AccessPrinter;
import io.labctl.cli.render.ServerPrinter;
import io.labctl.protocol.Api;
import io.labctl.protocol.Names;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.access.UserDetail;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "describe", mixinStandardHelpOptions = true,
        description = {"Show the details of a server or a user.", "",
                "A server: status, scope, labels, certificate and host facts.",
                "A user: its roles, the rules in force for it (deny first, as deny wins) and its certificates.", "",
                "Examples:",
                "  labctl describe server/web-1",
                "  labctl describe server web-1",
                "  labctl describe server/web-1 server/web-2",
                "  labctl describe user/alice"})
public final class DescribeCommand extends LabdCommand {
    @Parameters(paramLabel = "RESOURCE", arity = "1..*", description = "server/NAME, user/NAME, or: TYPE NAME...")
    List<String> args = new ArrayList<>();

    DescribeCommand(Cli cli) {
        super(cli);
    }

    @Override
    public Integer call() {
        List<ResourceRef> refs;
        try {
            refs = ResourceRef.parse(args, "server, user");
            for (ResourceRef r : refs) {
                Names.require(r.type() + " name", r.name());
            }
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        var client = client();
        boolean first = true;
        for (ResourceRef r : refs) {
            String text;
            if (r.type().equals("user")) {
                text = AccessPrinter.describeUser(client.get(Api.USERS + "/" + r.name(), UserDetail.class), cli.now());
            } else {
                text = ServerPrinter.describe(client.get(Api.SERVERS + "/" + r.name(), ServerInfo.class), cli.now());
            }
            if (!first) {
                cli.out().println();
            }
            first = false;
            print(text);
        }
        return ExitCodes.OK;
    }
}
