package io.labctl.cli.cmd;

import io.labctl.cli.Cli;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.render.AccessPrinter;
import io.labctl.cli.render.ModulePrinter;
import io.labctl.cli.render.ServerPrinter;
import io.labctl.protocol.Api;
import io.labctl.protocol.Names;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.access.UserDetail;
import io.labctl.protocol.modules.ModuleDetail;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "describe", mixinStandardHelpOptions = true,
        description = {"Show the details of a server, a user, a configuration module, a cluster, an environment or a run.", "",
                "A server: status, scope, labels, certificate, host facts and its modules' state.",
                "A module: description, versions, targets, inputs (type, default, secret) and revisions.",
                "A user: its roles, the rules in force for it (deny first, as deny wins) and its certificates.",
                "A cluster: its API server, whether it answers labd now, and how labd authenticates there.",
                "An environment: its cloud and the servers, bastions and clusters in it.",
                "A run: a Pulumi plan, apply or destroy: who, which program, its status, changes and outputs.", "",
                "Examples:",
                "  labctl describe server/web-1",
                "  labctl describe server web-1",
                "  labctl describe server/web-1 server/web-2",
                "  labctl describe user/alice",
                "  labctl describe module/k3s-server",
                "  labctl describe cluster/k3s",
                "  labctl describe environment/lab",
                "  labctl describe run/r-0123456789ab"})
public final class DescribeCommand extends LabdCommand {
    @Parameters(paramLabel = "RESOURCE", arity = "1..*", description = "server/NAME, user/NAME, module/NAME, cluster/NAME, environment/NAME, run/ID, or: TYPE NAME...")
    List<String> args = new ArrayList<>();

    DescribeCommand(Cli cli) {
        super(cli);
    }

    @Override
    public Integer call() {
        List<ResourceRef> refs;
        try {
            refs = ResourceRef.parse(args, "server, user, module, cluster, environment, run");
            for (ResourceRef r : refs) {
                if (r.type().equals("module")) {
                    ModulesCommand.moduleName(r.name());
                } else if (r.type().equals("cluster")) {
                    io.labctl.protocol.kube.ClusterInfo.requireName(r.name());
                } else if (r.type().equals("environment")) {
                    io.labctl.protocol.environments.EnvironmentInfo.requireName("environment", r.name());
                } else if (r.type().equals("run")) {
                    requireRunId(r.name());
                } else {
                    Names.require(r.type() + " name", r.name());
                }
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
            } else if (r.type().equals("cluster")) {
                text = io.labctl.cli.render.ClusterPrinter.describe(client.get(io.labctl.protocol.kube.ClusterInfo.PATH
                        + "/" + r.name(), io.labctl.protocol.kube.ClusterInfo.class), cli.now());
            } else if (r.type().equals("environment")) {
                text = io.labctl.cli.render.EnvironmentPrinter.describe(client.get(
                        io.labctl.protocol.environments.EnvironmentInfo.PATH + "/" + r.name(),
                        io.labctl.protocol.environments.EnvironmentInfo.class), cli.now());
            } else if (r.type().equals("run")) {
                text = io.labctl.cli.render.RunPrinter.describe(client.get(io.labctl.protocol.pulumi.PulumiRun.PATH
                        + "/" + r.name(), io.labctl.protocol.pulumi.PulumiRun.class), cli.now());
            } else if (r.type().equals("module")) {
                text = ModulePrinter.describe(client.get(ModulesCommand.MODULES + "/" + r.name(), ModuleDetail.class), cli.now());
            } else {
                ServerInfo server = client.get(Api.SERVERS + "/" + r.name(), ServerInfo.class);
                text = ServerPrinter.describe(server, ModulesCommand.statuses(client, "?server=" + ModulesCommand.encode(r.name())),
                        true, cli.now());
            }
            if (!first) {
                cli.out().println();
            }
            first = false;
            print(text);
        }
        return ExitCodes.OK;
    }

    /** A run id as 'labctl get runs' shows it, or the usage error that says so. */
    static String requireRunId(String id) {
        if (!io.labctl.protocol.pulumi.PulumiRun.validId(id)) {
            throw new IllegalArgumentException("'" + id + "' is not a run id: r- and 12 hex digits, as 'labctl get runs'"
                    + " shows");
        }
        return id;
    }
}
