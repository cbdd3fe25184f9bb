package io.labctl.cli.cmd;

import com.fasterxml.jackson.databind.JavaType;
import io.labctl.cli.Cli;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.render.CapabilityPrinter;
import io.labctl.cli.render.Formats;
import io.labctl.protocol.Api;
import io.labctl.protocol.CapabilityInfo;
import io.labctl.protocol.Json;
import io.labctl.protocol.SystemChange;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "system", mixinStandardHelpOptions = true,
        description = {"What labd is made of.", "", "Examples:",
                "  labctl system features",
                "  labctl system features -o json",
                "  labctl system upgrade labd-exec --to 0.2.0",
                "  labctl system install labd-notes --version 0.1.0",
                "  labctl system uninstall labd-notes"},
        subcommands = {SystemCommand.Features.class, SystemCommand.Upgrade.class, SystemCommand.Install.class,
                SystemCommand.Uninstall.class})
public final class SystemCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: features, upgrade, install or uninstall");
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

    /** What the three changes share: one feature, the answer as a row or json/yaml, exit 0 unless rolled back. */
    abstract static class Change extends LabdCommand {
        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "json or yaml (default: a table).")
        String output;

        Change(Cli cli) {
            super(cli);
        }

        Integer send(String path, String feature, String version) {
            String format = output(output, Set.of("json", "yaml"));
            if (feature.isBlank() || (version != null && version.isBlank())) {
                throw usage("give a feature (and a version where one is asked), e.g. labd-exec --to 0.2.0");
            }
            // Karaf installs, starts and health-checks the capability before labd answers: its steps on stderr meanwhile
            SystemChange.Result r = client().postProgress(path, new SystemChange.Request(feature, version),
                    SystemChange.Result.class, this::progress);
            if ("json".equals(format)) {
                print(Formats.json(r));
            } else if ("yaml".equals(format)) {
                print(Formats.yaml(r));
            } else {
                print(CapabilityPrinter.change(r));
            }
            return r.done() ? ExitCodes.OK : ExitCodes.REFUSED;
        }
    }

    @Command(name = "upgrade", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Replace one of labd's capabilities by another version on the running labd.", "",
                    "VERSION is a version Karaf already knows (the distribution's), or one in labd's",
                    "repository: push the capability's bundle under the feature's name first",
                    "(labctl repo push io.labctl.exec-0.2.0.jar --name labd-exec --version 0.2.0).",
                    "labd checks its SHA-256 and that its manifest is the feature's bundle at VERSION,",
                    "has Karaf swap it in, then waits (20 s; healthSeconds in etc/io.labctl.system.cfg)",
                    "for it to be healthy: bundle active, DS components satisfied, schema migrated.",
                    "If it is not, the previous version is put back (result rolled-back, exit 1).",
                    "The upgraded version stays across restarts. The steps go to stderr as they",
                    "come (fetched, installed, health, healthy or rolling-back); the row to stdout.",
                    "Refused for what labd cannot lose while it runs: labd-api, -persistence, -ca,",
                    "-web, -registry, -gateway, -rbac, -audit, -shell and -system (upgrade the",
                    "distribution for those). Needs admin everywhere; audited with the digest.", "",
                    "Exit codes: 0 VERSION runs; 1 rolled back or refused.", "",
                    "Examples:",
                    "  labctl system upgrade labd-exec --to 0.2.0",
                    "  labctl system upgrade exec --to 0.1.0 -o json"})
    static final class Upgrade extends Change {
        @Parameters(index = "0", paramLabel = "FEATURE", description = "labd-exec, or its short name exec.")
        String feature;

        @Option(names = "--to", required = true, paramLabel = "VERSION", description = "The version to run, e.g. 0.2.0.")
        String version;

        Upgrade(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            return send(Api.SYSTEM_UPGRADE, feature, version);
        }
    }

    // no mixinStandardHelpOptions: its -V/--version would take --version from the option below (as repo push)
    @Command(name = "install", sortOptions = false,
            description = {"Install a capability on the running labd: a labd-* feature Karaf knows (the",
                    "distribution's), or a bundle published in labd's repository under the feature's",
                    "name (labctl repo push notes-0.1.0.jar --name labd-notes --version 0.1.0). Such a",
                    "bundle builds on labd-web, plus labd-persistence when it has a Labctl-Schema and",
                    "labd-shell when it has Karaf-Commands. Without --version: the newest Karaf knows,",
                    "else the newest in the repository. Needs admin everywhere; audited.", "",
                    "Exit codes: 0 installed (or already); 1 refused.", "",
                    "Examples:",
                    "  labctl system install labd-bastion",
                    "  labctl system install labd-notes --version 0.1.0"})
    static final class Install extends Change {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @Parameters(index = "0", paramLabel = "FEATURE", description = "labd-notes, or its short name notes.")
        String feature;

        @Option(names = "--version", paramLabel = "VERSION", description = "The version to install (default: the newest).")
        String version;

        Install(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            return send(Api.SYSTEM_INSTALL, feature, version);
        }
    }

    @Command(name = "uninstall", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Remove a capability from the running labd: its routes, shell commands and stream",
                    "handlers go; its tables and rows stay. Refused while another installed feature",
                    "needs it, and for what labd cannot lose while it runs (see system upgrade).",
                    "Needs admin everywhere; audited.", "",
                    "Exit codes: 0 uninstalled (or was not installed); 1 refused.", "",
                    "Examples:",
                    "  labctl system uninstall labd-notes",
                    "  labctl system uninstall bastion -o json"})
    static final class Uninstall extends Change {
        @Parameters(index = "0", paramLabel = "FEATURE", description = "labd-notes, or its short name notes.")
        String feature;

        Uninstall(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            return send(Api.SYSTEM_UNINSTALL, feature, null);
        }
    }
}
