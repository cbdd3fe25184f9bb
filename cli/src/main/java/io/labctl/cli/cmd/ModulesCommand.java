package io.labctl.cli.cmd;

import com.fasterxml.jackson.databind.JavaType;
import io.labctl.cli.Cli;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.http.LabdRefusal;
import io.labctl.cli.modules.ApplyOutput;
import io.labctl.cli.modules.InputValues;
import io.labctl.cli.render.Formats;
import io.labctl.cli.render.ModulePrinter;
import io.labctl.protocol.Api;
import io.labctl.protocol.Json;
import io.labctl.protocol.Selector;
import io.labctl.protocol.modules.ApplyRequest;
import io.labctl.protocol.modules.AssignmentRevision;
import io.labctl.protocol.modules.ModuleDetail;
import io.labctl.protocol.modules.ModuleSummary;
import io.labctl.protocol.modules.RepoCoordinates;
import io.labctl.protocol.modules.ServerModuleStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code labctl modules ...}: configuration modules, their assignments to servers, runs and state. */
@Command(name = "modules", aliases = {"module"}, mixinStandardHelpOptions = true,
        description = {"Configuration modules: desired state on servers, applied by labd through their agents.", "",
                "A module (see 'labctl repo list') is applied to the servers a selector matches as a numbered",
                "revision of its assignment; labd then keeps them converged (new matching servers, drift",
                "checks, --enforce repairs drift). 'labctl describe module/NAME' shows its inputs and revisions,",
                "'labctl logs module/RUN-ID' one run's per-resource report.", "",
                "Examples:",
                "  labctl modules list",
                "  labctl modules apply k3s-server -l role=server --set port=6443 --dry-run",
                "  labctl modules apply k3s-agent@1.0.0 -l 'role=worker,os=debian' -f values.yaml --batch 25%%",
                "  labctl modules status --refresh",
                "  labctl modules history k3s-server",
                "  labctl modules rollback k3s-server 1",
                "  labctl modules remove k3s-agent -l rack=r9",
                "  labctl modules add motd --git https://git.example.com/ops/motd-module.git --ref main",
                "  labctl modules update motd && labctl modules sources"},
        subcommands = {ModulesCommand.ListModules.class, ModulesCommand.Apply.class, ModulesCommand.Status.class,
                ModulesCommand.History.class, ModulesCommand.Rollback.class, ModulesCommand.Remove.class,
                SourcesCommands.Add.class, SourcesCommands.Update.class, SourcesCommands.Sources.class})
public final class ModulesCommand implements Runnable {
    static final String MODULES = Api.ROOT + "/modules";
    static final String STATUS = MODULES + "/status";
    static final String RUNS = MODULES + "/runs";

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "missing subcommand: one of list, apply, status, history, rollback, remove, add, update, sources");
    }

    /** A module name, checked by the rules labd applies; the message says what a name looks like. */
    static String moduleName(String name) {
        return RepoCoordinates.requireName(name);
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** labd's statuses for the query, or null when labd has no modules capability (it answers 404). */
    static List<ServerModuleStatus> statuses(io.labctl.cli.http.LabdClient client, String query) {
        JavaType type = Json.json().getTypeFactory().constructCollectionType(List.class, ServerModuleStatus.class);
        try {
            List<ServerModuleStatus> list = client.get(STATUS + query, type);
            return list == null ? List.of() : list;
        } catch (LabdRefusal e) {
            if (e.status() == 404) {
                return null;
            }
            throw e;
        }
    }

    /** Prints a list as -o json / yaml, or as the table when format is null. */
    abstract static class Lister extends LabdCommand {
        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "json or yaml (default: a table).")
        String output;

        Lister(Cli cli) {
            super(cli);
        }

        /** The -o formats this verb takes besides the default table. */
        protected Set<String> formats() {
            return Set.of("json", "yaml");
        }

        protected int printList(List<?> items, String table, String none) {
            String format = output(output, formats());
            if ("json".equals(format)) {
                print(Formats.json(items));
            } else if ("yaml".equals(format)) {
                print(Formats.yaml(items));
            } else if (items.isEmpty()) {
                cli.err().println(none);
            } else {
                print(table);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", aliases = {"ls"}, mixinStandardHelpOptions = true,
            description = {"List the modules in labd's repository: versions, description, assignments.", "",
                    "-o name prints one module name a line (what shell completion offers).", "",
                    "Examples:",
                    "  labctl modules list",
                    "  labctl modules list -o json"})
    static final class ListModules extends Lister {
        ListModules(Cli cli) {
            super(cli);
        }

        @Override
        protected Set<String> formats() {
            return Set.of("json", "yaml", "name");
        }

        @Override
        public Integer call() {
            String format = output(output, formats());
            JavaType type = Json.json().getTypeFactory().constructCollectionType(List.class, ModuleSummary.class);
            List<ModuleSummary> modules = client().get(MODULES, type);
            modules = modules == null ? List.of() : modules;
            if ("name".equals(format)) {
                modules.forEach(m -> cli.out().println(m.name()));
                return ExitCodes.OK;
            }
            return printList(modules, ModulePrinter.list(modules), "No modules found; push one with 'labctl repo push'.");
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Show the state of modules on servers: converged, drifted, failed or pending.", "",
                    "With the last run and check of each; --refresh has labd re-plan them now (no change is",
                    "made).", "",
                    "Examples:",
                    "  labctl modules status",
                    "  labctl modules status k3s-agent --refresh",
                    "  labctl modules status -l role=worker -o json",
                    "  labctl modules status k3s-agent -o wide    # with each last run's id, for 'labctl logs module/RUN-ID'"})
    static final class Status extends Lister {
        @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Only this module.")
        String name;

        @Option(names = "--refresh", description = "Re-plan now instead of showing the last check.")
        boolean refresh;

        @Option(names = {"-l", "--selector"}, paramLabel = "SELECTOR",
                description = "Only servers this selector matches, e.g. role=worker,os=debian.")
        String selector;

        Status(Cli cli) {
            super(cli);
        }

        @Override
        protected Set<String> formats() {
            return Set.of("json", "yaml", "wide");
        }

        @Override
        public Integer call() {
            boolean wide = "wide".equals(output(output, formats()));
            Map<String, String> q = new LinkedHashMap<>();
            try {
                if (name != null) {
                    q.put("module", moduleName(name));
                }
                if (selector != null) {
                    // labd matches it (one grammar, facts included) and re-plans only those servers on --refresh
                    q.put("selector", Selector.parse(selector).toString());
                }
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
            if (refresh) {
                q.put("refresh", "true");
            }
            String query = q.isEmpty() ? "" : "?" + q.entrySet().stream()
                    .map(e -> e.getKey() + "=" + encode(e.getValue())).collect(Collectors.joining("&"));
            List<ServerModuleStatus> all = statuses(client(), query);
            if (all == null) {
                throw new LabdRefusal(404, "not_found", "labd at " + client().display() + " has no modules capability"
                        + " (feature labd-modules); see 'labctl system features'");
            }
            return printList(all, ModulePrinter.status(all, wide, cli.now()), "No modules assigned"
                    + (name == null ? "" : " of " + name) + (selector == null ? "" : " on servers matching " + selector) + ".");
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true,
            description = {"Show the revisions of a module's assignments.", "",
                    "Who applied, rolled back or removed what, with which inputs (secret ones as ******).", "",
                    "Examples:",
                    "  labctl modules history k3s-server",
                    "  labctl modules history k3s-server -o yaml"})
    static final class History extends Lister {
        @Parameters(index = "0", paramLabel = "NAME", description = "The module.")
        String name;

        History(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            output(output, formats());
            try {
                moduleName(name);
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
            JavaType type = Json.json().getTypeFactory().constructCollectionType(List.class, AssignmentRevision.class);
            List<AssignmentRevision> revisions = client().get(MODULES + "/" + name + "/history", type);
            revisions = revisions == null ? List.of() : revisions;
            return printList(revisions, ModulePrinter.history(revisions, cli.now()), "No revisions of " + name + " yet.");
        }
    }

    /** What apply, rollback and remove share: the rollout flags and the streamed answer. */
    abstract static class Rollout extends LabdCommand {
        @Option(names = "--batch", paramLabel = "N|P%",
                description = "Servers at a time: a count (10) or a percentage of the targets (25%%); default all.")
        String batch;

        @Option(names = "--max-failures", paramLabel = "N",
                description = "Stop starting servers once more than N have failed (default 0: after the first).")
        Integer maxFailures;

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
                description = "json: labd's events as they come, one JSON object a line (default: rendered).")
        String output;

        Rollout(Cli cli) {
            super(cli);
        }

        /** Checks --batch and --max-failures; a usage error otherwise. */
        protected void checkRolloutFlags() {
            output(output, Set.of("json"));
            if (batch != null) {
                try {
                    ExecCommand.Batch.parse(batch);
                } catch (IllegalArgumentException e) {
                    throw usage(e.getMessage());
                }
            }
            if (maxFailures != null && maxFailures < 0) {
                throw usage("--max-failures must be 0 or more");
            }
        }

        protected String selector(String text) {
            try {
                return Selector.parse(text).toString();
            } catch (IllegalArgumentException e) {
                throw usage("invalid selector: " + e.getMessage());
            }
        }

        /** POSTs the request and renders labd's events as they arrive; the exit code of {@link ApplyOutput}. */
        protected int stream(String path, ApplyRequest request) {
            // the progress line goes where an interactive user is watching; scripts and pipes get none
            boolean interactive = cli.stdio().stdinIsTerminal().getAsBoolean();
            ApplyOutput out = new ApplyOutput(cli.out(), cli.err(), interactive, "json".equals(output));
            client().postLines(path, request, out::line);
            return out.finish();
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Apply a module to the servers a selector matches and show each server's result.", "",
                    "NAME is the newest version, NAME@VERSION a given one. Each apply is a new revision of the",
                    "module's assignment. Each server's result prints as it comes in: the resources that",
                    "changed (diffs indented), failed or were skipped; then the servers denied",
                    "(you lack apply on them) or excluded (offline, held by another labd, not a target of the",
                    "module) and a summary. --dry-run plans only (needs read): nothing changes, no revision.", "",
                    "Inputs: -f values.yaml (a flat map: name: value), then each --set name=value (wins over -f;",
                    "the value may contain '='). labd checks them against the module's inputs and names every bad",
                    "one. Secret inputs are never printed; -f keeps them off the command line.", "",
                    "Examples:",
                    "  labctl modules apply k3s-server -l role=server --dry-run",
                    "  labctl modules apply k3s-server@1.0.0 -l role=server --set port=6443",
                    "  labctl modules apply k3s-agent -l 'role=worker,os=debian,memory>=4' -f k3s.yaml --batch 25%%",
                    "  labctl modules apply lab-agent -l env=lab --enforce --max-failures 2"},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                    "0:every target converged (or, with --dry-run, planned without a failure)",
                    "1:a server failed or was unhealthy, a server was denied, or labd refused the request"
                            + " (unknown module or version, bad inputs, a selector matching nothing)",
                    "2:usage error: bad NAME@VERSION, selector, --set, -f, --batch or --max-failures",
                    "255:labctl could not reach labd, or lost the connection before the summary"})
    static final class Apply extends Rollout {
        @Parameters(index = "0", paramLabel = "NAME[@VERSION]", description = "The module, optionally at a version.")
        String module;

        @Option(names = {"-l", "--selector"}, required = true, paramLabel = "SELECTOR",
                description = "The servers to apply to, e.g. role=worker,os=debian.")
        String selector;

        @Option(names = "--set", paramLabel = "NAME=VALUE", description = "An input value; repeatable, each name once.")
        List<String> sets = new ArrayList<>();

        @Option(names = {"-f", "--values"}, paramLabel = "FILE", description = "Input values from a YAML map.")
        Path values;

        @Option(names = "--dry-run", description = "Plan only: show what would change, change nothing.")
        boolean dryRun;

        @Option(names = "--enforce", description = "Repair drift on these servers at every scheduled check.")
        boolean enforce;

        Apply(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            checkRolloutFlags();
            String name;
            String version = null;
            Map<String, String> inputs;
            try {
                int at = module.indexOf('@');
                name = moduleName(at < 0 ? module : module.substring(0, at));
                if (at >= 0) {
                    version = RepoCoordinates.requireVersion(module.substring(at + 1));
                }
                inputs = InputValues.of(values == null ? null : cli.resolve(values), sets);
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
            String sel = selector(selector);
            // the descriptor says which inputs are secret: the echo below masks them (labd checks the values)
            ModuleDetail detail = client().get(MODULES + "/" + name, ModuleDetail.class);
            Set<String> secrets = detail != null && detail.descriptor() != null ? detail.descriptor().secretInputs()
                    : inputs.keySet();
            cli.err().println((dryRun ? "Planning " : "Applying ") + name + (version == null ? "" : "@" + version)
                    + " on servers matching " + sel + (inputs.isEmpty() ? "" : " with " + Formats.labels(InputValues.masked(inputs, secrets))));
            return stream(MODULES + "/" + name + "/apply",
                    new ApplyRequest(version, sel, inputs, dryRun, batch, maxFailures, enforce));
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Apply an earlier revision of a module's assignment again.", "",
                    "Its version, selector and inputs, as a new revision; the results print as apply's do.", "",
                    "Examples:",
                    "  labctl modules history k3s-server",
                    "  labctl modules rollback k3s-server 1",
                    "  labctl modules rollback k3s-server 3 --batch 1 --max-failures 0"},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                    "0:every target converged",
                    "1:a server failed or was denied, or labd refused (unknown module or revision)",
                    "2:usage error",
                    "255:labctl could not reach labd, or lost the connection before the summary"})
    static final class Rollback extends Rollout {
        @Parameters(index = "0", paramLabel = "NAME", description = "The module.")
        String name;

        @Parameters(index = "1", paramLabel = "REVISION", description = "The revision to go back to (modules history).")
        String revision;

        Rollback(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            checkRolloutFlags();
            try {
                moduleName(name);
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
            if (!revision.matches("[1-9][0-9]{0,8}")) {
                throw usage("REVISION '" + revision + "' is not a revision number; see 'labctl modules history " + name + "'");
            }
            cli.err().println("Rolling " + name + " back to revision " + revision);
            return stream(MODULES + "/" + name + "/rollback?revision=" + revision,
                    new ApplyRequest(null, null, null, false, batch, maxFailures, false));
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Run a module's removal on the servers a selector matches.", "",
                    "What it manages is taken away and the servers are no longer managed with it, as a new",
                    "revision; the results print as apply's do.",
                    "A server that merely stops matching a selector is no longer managed, but nothing is",
                    "removed from it without this command.", "",
                    "Examples:",
                    "  labctl modules remove k3s-agent -l name=web-3",
                    "  labctl modules remove k3s-agent -l rack=r9 --batch 2"},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                    "0:removed from every target",
                    "1:a server failed or was denied, or labd refused (unknown module, a selector matching nothing)",
                    "2:usage error",
                    "255:labctl could not reach labd, or lost the connection before the summary"})
    static final class Remove extends Rollout {
        @Parameters(index = "0", paramLabel = "NAME", description = "The module.")
        String name;

        @Option(names = {"-l", "--selector"}, required = true, paramLabel = "SELECTOR",
                description = "The servers to remove it from.")
        String selector;

        Remove(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            checkRolloutFlags();
            try {
                moduleName(name);
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
            String sel = selector(selector);
            cli.err().println("Removing " + name + " from servers matching " + sel);
            return stream(MODULES + "/" + name + "/remove", new ApplyRequest(null, sel, null, false, batch, maxFailures, false));
        }
    }
}
