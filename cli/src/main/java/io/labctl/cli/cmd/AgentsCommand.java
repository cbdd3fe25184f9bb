package io.labctl.cli.cmd;

import com.fasterxml.jackson.databind.JavaType;
import io.labctl.cli.Cli;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.render.AgentPrinter;
import io.labctl.cli.render.Formats;
import io.labctl.protocol.AgentUpgrade;
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
                "  labctl agents versions -o json",
                "  labctl agents upgrade --feature lab-agent-logs --to 0.2.0 -l role=web --batch 25%% --max-failures 1"},
        subcommands = {AgentsCommand.Versions.class, AgentsCommand.Upgrade.class})
public final class AgentsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: versions or upgrade");
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

    @Command(name = "upgrade", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Upgrade one agent capability in place on the selected servers, with no restart.",
                    "",
                    "The new version comes from labd's repository: push the capability's bundle",
                    "first under the feature's name (labctl repo push io.labctl.agent.logs-0.2.0.jar",
                    "--name lab-agent-logs --version 0.2.0). Each agent fetches it with its own",
                    "identity, checks its SHA-256, starts it beside the running version, checks its",
                    "health (active, and serving every stream kind the old one served), then sends",
                    "new streams to it. A logs -f (the journal, a file, the agent's log) is handed",
                    "over to the new version with its place (every line once); other streams",
                    "(an exec) run on until they end or --drain passes, then the old version is",
                    "removed.",
                    "A new version that does not start or is not healthy is removed again on that",
                    "agent by itself: the old one",
                    "runs on (result rolled-back). Servers go batch after batch; once more than",
                    "--max-failures have failed, the rest are not started (not-run).",
                    "Needs admin everywhere; every agent's upgrade is audited with the digest.",
                    "Progress goes to stderr as it comes (each batch, each agent's start and end);",
                    "the table (or -o json|yaml) to stdout at the end. Interrupting labctl stops the",
                    "rollout after the batch that runs: the rest are not-run, all audited.",
                    "--feature core replaces the agent core itself: the agent reconnects with the",
                    "same identity (the agent puts the old core back if the new one does not",
                    "connect within 20 s) and a logs -f through it resumes by itself.",
                    "Not yet: the module runner cannot be upgraded live.", "",
                    "Exit codes: 0 every selected agent runs VERSION; 1 otherwise (or labd refused).", "",
                    "Examples:",
                    "  labctl agents upgrade --feature lab-agent-logs --to 0.2.0 -l name=web-1",
                    "  labctl agents upgrade --feature ping --to 0.2.0 -l env=lab --batch 5 --max-failures 1",
                    "  labctl agents upgrade --feature exec --to 0.2.0 -l name=web-1 --drain 600",
                    "  labctl agents upgrade --feature logs --to 0.2.0 -l role=web -o json",
                    "  labctl agents upgrade --feature core --to 0.2.0 -l name=web-1"})
    static final class Upgrade extends LabdCommand {
        @Option(names = "--feature", required = true, paramLabel = "NAME",
                description = "The feature to upgrade: lab-agent-logs, or its short name logs.")
        String feature;

        @Option(names = "--to", required = true, paramLabel = "VERSION", description = "The version to run, e.g. 0.2.0.")
        String version;

        @Option(names = {"-l", "--selector"}, required = true, paramLabel = "SELECTOR",
                description = "The servers, e.g. env=lab,role=web (name=web-1 for one).")
        String selector;

        @Option(names = "--batch", paramLabel = "N|P%", description = "Servers at a time: a number or a percentage.")
        String batch;

        @Option(names = "--max-failures", paramLabel = "N",
                description = "Failures tolerated before the rest are not started (default 0).")
        Integer maxFailures;

        @Option(names = "--drain", paramLabel = "SECONDS", description = "How long each agent lets streams open on the"
                + " old version run to their end before removing it (default 60, at most 3600).")
        Integer drain;

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "json or yaml (default: a table).")
        String output;

        Upgrade(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            String format = output(output, Set.of("json", "yaml"));
            String sel;
            try {
                sel = Selector.parse(selector).toString();
            } catch (IllegalArgumentException e) {
                throw usage("invalid selector: " + e.getMessage());
            }
            if (feature.isBlank() || version.isBlank()) {
                throw usage("--feature and --to need values, e.g. --feature lab-agent-logs --to 0.2.0");
            }
            if (drain != null && (drain < 0 || drain > 3600)) {
                throw usage("--drain " + drain + " is not between 0 and 3600 seconds");
            }
            if (maxFailures != null && maxFailures < 0) {
                throw usage("--max-failures " + maxFailures + " is negative; give 0 or more");
            }
            // progress on stderr as each batch and agent goes; the answer (table, json or yaml) on stdout at the end
            AgentUpgrade.Result result = client().postProgress(Api.AGENTS_UPGRADE,
                    new AgentUpgrade.Request(feature, version, sel, batch, maxFailures, drain), AgentUpgrade.Result.class,
                    this::progress);
            if ("json".equals(format)) {
                print(Formats.json(result));
            } else if ("yaml".equals(format)) {
                print(Formats.yaml(result));
            } else {
                print(AgentPrinter.upgrade(result));
            }
            return result.complete() ? ExitCodes.OK : ExitCodes.REFUSED;
        }
    }
}
