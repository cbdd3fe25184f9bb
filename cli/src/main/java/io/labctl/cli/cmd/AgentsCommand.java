package io.labctl.cli.cmd;

import com.fasterxml.jackson.databind.JavaType;
import io.labctl.cli.Cli;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.render.AgentPrinter;
import io.labctl.cli.render.Formats;
import io.labctl.protocol.Api;
import io.labctl.protocol.Json;
import io.labctl.protocol.Selector;
import io.labctl.protocol.ServerInfo;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "agents", mixinStandardHelpOptions = true,
        description = {"The lab-agents of the fleet: which capabilities run where, at which version.", "",
                "Examples:",
                "  labctl agents versions",
                "  labctl agents versions --feature lab-agent-logs -l env=lab",
                "  labctl agents versions -o json"},
        subcommands = {AgentsCommand.Versions.class})
public final class AgentsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: versions");
    }

    @Command(name = "versions", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Summarise the capability versions the agents report: one row per feature, bundle",
                    "and version, with how many agents run it and which (the first five, then +N).",
                    "Each agent reports its capabilities when it connects and whenever one changes",
                    "(installed, upgraded, removed), so an offline server shows what it ran last.",
                    "Servers whose agent never connected, or is older than these reports, are",
                    "counted on stderr (listed under 'unreported' with -o json|yaml).",
                    "Needs read on the servers listed (as 'get servers').", "",
                    "Examples:",
                    "  labctl agents versions",
                    "  labctl agents versions --feature logs",
                    "  labctl agents versions -l role=worker -o yaml"})
    static final class Versions extends LabdCommand {
        @Option(names = {"-l", "--selector"}, paramLabel = "SELECTOR",
                description = "Only these servers (the selector of 'get servers'), e.g. env=lab,role=worker")
        String selector;

        @Option(names = "--feature", paramLabel = "NAME",
                description = "Only this feature: lab-agent-logs, or its short name logs.")
        String feature;

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "json or yaml (default: a table).")
        String output;

        Versions(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            String format = output(output, Set.of("json", "yaml"));
            String path = Api.SERVERS;
            if (selector != null) {
                String text;
                try {
                    text = Selector.parse(selector).toString();
                } catch (IllegalArgumentException e) {
                    throw usage("invalid selector: " + e.getMessage());
                }
                if (!text.isEmpty()) {
                    path += "?selector=" + URLEncoder.encode(text, StandardCharsets.UTF_8);
                }
            }
            if (feature != null && feature.isBlank()) {
                throw usage("--feature needs a name, e.g. --feature lab-agent-logs");
            }
            JavaType type = Json.json().getTypeFactory().constructCollectionType(List.class, ServerInfo.class);
            List<ServerInfo> servers = client().get(path, type);
            AgentPrinter.FleetVersions fleet = AgentPrinter.summarise(servers == null ? List.of() : servers, feature);
            if ("json".equals(format)) {
                print(Formats.json(fleet));
            } else if ("yaml".equals(format)) {
                print(Formats.yaml(fleet));
            } else {
                if (fleet.versions().isEmpty()) {
                    cli.err().println(feature == null ? "No agent capabilities reported."
                            : "No agent reports the feature '" + feature + "'.");
                } else {
                    print(AgentPrinter.versions(fleet));
                }
                if (!fleet.unreported().isEmpty()) {
                    cli.err().println(fleet.unreported().size() + " server(s) without a report (agent never connected, or"
                            + " older than capability reports): " + String.join(", ", fleet.unreported()));
                }
            }
            return ExitCodes.OK;
        }
    }
}
