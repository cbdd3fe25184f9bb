package io.labctl.cli.cmd;

import com.fasterxml.jackson.databind.JavaType;
import io.labctl.cli.Cli;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.render.CapabilityPrinter;
import io.labctl.cli.render.Formats;
import io.labctl.protocol.Api;
import io.labctl.protocol.CapabilityInfo;
import io.labctl.protocol.Json;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "system", mixinStandardHelpOptions = true,
        description = {"What labd is made of.", "", "Examples:",
                "  labctl system features",
                "  labctl system features -o json"},
        subcommands = {SystemCommand.Features.class})
public final class SystemCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: features");
    }

    @Command(name = "features", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"List labd's capabilities (its labd-* features): version, state and the schema",
                    "version each owns. STATE is active, starting, failed (REASON says why: a schema",
                    "migration that failed, a bundle that did not start, components waiting for a",
                    "service) or not-installed. Needs read everywhere (read:*:*:*).", "",
                    "Examples:",
                    "  labctl system features",
                    "  labctl system features -o yaml"})
    static final class Features extends LabdCommand {
        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "json or yaml (default: a table).")
        String output;

        Features(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            String format = output(output, Set.of("json", "yaml"));
            JavaType type = Json.json().getTypeFactory().constructCollectionType(List.class, CapabilityInfo.class);
            List<CapabilityInfo> capabilities = client().get(Api.SYSTEM_FEATURES, type);
            if (capabilities == null) {
                capabilities = List.of();
            }
            if ("json".equals(format)) {
                print(Formats.json(capabilities));
            } else if ("yaml".equals(format)) {
                print(Formats.yaml(capabilities));
            } else {
                print(CapabilityPrinter.table(capabilities));
            }
            return ExitCodes.OK;
        }
    }
}
