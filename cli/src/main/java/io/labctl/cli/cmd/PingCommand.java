package io.labctl.cli.cmd;

import io.labctl.cli.Cli;
import io.labctl.cli.ExitCodes;
import io.labctl.protocol.Api;
import io.labctl.protocol.Durations;
import io.labctl.protocol.PingResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "ping", mixinStandardHelpOptions = true,
        description = {"Round trip through a server's agent connection, like Salt's test.ping.",
                "Proves the agent is connected, answering and has the ping capability installed. Stops with exit 1 at the first server that fails.", "",
                "Examples:",
                "  labctl ping server/web-1",
                "  labctl ping server/web-1 server/web-2"})
public final class PingCommand extends LabdCommand {
    @Parameters(paramLabel = "RESOURCE", arity = "1..*", description = "server/NAME, or: server NAME")
    List<String> args = new ArrayList<>();

    PingCommand(Cli cli) {
        super(cli);
    }

    @Override
    public Integer call() {
        List<String> names = serverNames(args);
        var client = client();
        for (String name : names) {
            PingResult p = client.post(Api.SERVERS + "/" + name + "/ping", null, PingResult.class);
            cli.out().printf("server/%s: pong in %.1f ms (agent %s, up %s)%n", p.server(), p.roundTripMicros() / 1000.0,
                    p.agentVersion(), Durations.brief(Duration.ofMillis(p.agentUptimeMillis())));
        }
        cli.out().flush();
        return ExitCodes.OK;
    }
}
