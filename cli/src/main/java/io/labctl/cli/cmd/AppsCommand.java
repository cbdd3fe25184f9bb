package io.labctl.cli.cmd;

import com.fasterxml.jackson.databind.JavaType;
import io.labctl.cli.Cli;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.http.LabdRefusal;
import io.labctl.cli.modules.InputValues;
import io.labctl.cli.render.AppPrinter;
import io.labctl.cli.render.Formats;
import io.labctl.protocol.InvalidInput;
import io.labctl.protocol.Json;
import io.labctl.protocol.Names;
import io.labctl.protocol.apps.AppRelease;
import io.labctl.protocol.apps.AppRequest;
import io.labctl.protocol.apps.AppRevision;
import io.labctl.protocol.apps.AppSummary;
import io.labctl.protocol.modules.RepoCoordinates;
import io.labctl.protocol.pulumi.PulumiRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code labctl apps ...}: apps from labd's bundle repository, installed per environment as runs of labd's engine. */
@Command(name = "apps", aliases = {"app"}, mixinStandardHelpOptions = true,
        description = {"Apps: Java Pulumi programs in labd's bundle repository, installed per environment.", "",
                "Each install, upgrade, rollback and uninstall is a numbered revision of the app in the",
                "environment and a run of labd's engine on the stack APP/ENV; its output streams here and",
                "Ctrl-C cancels it (exit 130). Runs: 'labctl get runs --app NAME', 'labctl logs pulumi/ID'.", "",
                "Examples:",
                "  labctl apps list",
                "  labctl apps install postgresql --env lab -f secrets.yaml --set storageSize=20Gi",
                "  labctl apps status postgresql --env lab",
                "  labctl apps upgrade postgresql --env lab --to 1.1.0 --dry-run",
                "  labctl apps history postgresql --env lab",
                "  labctl apps rollback postgresql 1 --env lab",
                "  labctl apps uninstall postgresql --env lab"},
        subcommands = {AppsCommand.ListApps.class, AppsCommand.Install.class, AppsCommand.Status.class,
                AppsCommand.Upgrade.class, AppsCommand.History.class, AppsCommand.Rollback.class,
                AppsCommand.Uninstall.class, SourcesCommands.AddApp.class, SourcesCommands.UpdateApp.class,
                SourcesCommands.AppSources.class})
public final class AppsCommand implements Runnable {
    static final String APPS = AppSummary.PATH;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "missing subcommand: one of list, install, status, upgrade, history, rollback, uninstall");
    }

    /**
     * An app name, checked before anything is sent. An app is a repository entry named by its app.yaml, so the rule is
     * the repository's ({@code [a-z0-9-]{1,63}}); the message says so in an app's words.
     */
    static String appName(String name) {
        try {
            return RepoCoordinates.requireName(name);
        } catch (InvalidInput e) {
            throw new IllegalArgumentException("app name '" + name + "' is not valid: use 1 to 63 lower-case letters,"
                    + " digits and '-' (labctl apps list shows the apps)");
        }
    }

    /** {@code ?env=ENV} for the app's status and history. */
    static String envQuery(String environment) {
        return "?env=" + environment;  // a valid name needs no encoding
    }

    @Command(name = "list", aliases = {"ls"}, mixinStandardHelpOptions = true,
            description = {"List the apps in labd's repository: newest version, where they are installed.", "",
                    "INSTALLED shows ENV@VERSION (rev N, STATUS) for each environment you may read where the app",
                    "is installed (a failed first install shows what it tried). -o wide shows whole descriptions,",
                    "-o name one app name a line (what shell completion offers).", "",
                    "Examples:",
                    "  labctl apps list",
                    "  labctl apps list -o wide",
                    "  labctl apps list -o json | jq -r '.[].name'"})
    static final class ListApps extends ModulesCommand.Lister {
        ListApps(Cli cli) {
            super(cli);
        }

        @Override
        protected Set<String> formats() {
            return Set.of("json", "yaml", "wide", "name");
        }

        @Override
        public Integer call() {
            String format = output(output, formats());
            JavaType type = Json.json().getTypeFactory().constructCollectionType(List.class, AppSummary.class);
            List<AppSummary> apps = client().get(APPS, type);
            apps = apps == null ? List.of() : apps;
            if ("name".equals(format)) {
                apps.forEach(a -> cli.out().println(a.name()));
                cli.out().flush();
                return ExitCodes.OK;
            }
            return printList(apps, AppPrinter.list(apps, "wide".equals(format)),
                    "No apps found; an admin adds one with 'labctl repo push APP.jar'.");
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Show an app in an environment: status, deployed revision, resources, outputs, values.", "",
                    "The deployed revision is the last one that succeeded; when a later one failed or runs, it is",
                    "shown as Last. Secret values and outputs are masked by labd.", "",
                    "Examples:",
                    "  labctl apps status postgresql --env lab",
                    "  labctl apps status postgresql --env lab -o json | jq .outputs"})
    static final class Status extends LabdCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The app.")
        String name;

        @Option(names = "--env", paramLabel = "ENV", required = true, description = "The environment it is installed in.")
        String environment;

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "json or yaml (default: described).")
        String output;

        Status(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            String format = output(output, Set.of("json", "yaml"));
            checkNameAndEnv(this, name, environment);
            AppRelease release = client().get(APPS + "/" + name + envQuery(environment), AppRelease.class);
            print("json".equals(format) ? Formats.json(release) : "yaml".equals(format) ? Formats.yaml(release)
                    : AppPrinter.status(release, cli.now()));
            return ExitCodes.OK;
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true,
            description = {"Show the revisions of an app in an environment, newest first.", "",
                    "Each install, upgrade, rollback and uninstall: its version, its run's status, who and when.",
                    "'labctl logs pulumi/RUN' shows a revision's run; 'labctl apps rollback NAME REVISION' returns",
                    "to one.", "",
                    "Examples:",
                    "  labctl apps history postgresql --env lab",
                    "  labctl apps history postgresql --env lab -o yaml"})
    static final class History extends ModulesCommand.Lister {
        @Parameters(index = "0", paramLabel = "NAME", description = "The app.")
        String name;

        @Option(names = "--env", paramLabel = "ENV", required = true, description = "The environment.")
        String environment;

        History(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            output(output, formats());
            checkNameAndEnv(this, name, environment);
            JavaType type = Json.json().getTypeFactory().constructCollectionType(List.class, AppRevision.class);
            List<AppRevision> revisions = client().get(APPS + "/" + name + "/history" + envQuery(environment), type);
            revisions = revisions == null ? List.of() : revisions;
            return printList(revisions, AppPrinter.history(revisions, cli.now()),
                    "No revisions of " + name + " in " + environment + ".");
        }
    }

    /** NAME and --env checked as labd checks them; a usage error (exit 2) otherwise, before anything is sent. */
    static void checkNameAndEnv(LabdCommand command, String name, String environment) {
        try {
            appName(name);
        } catch (IllegalArgumentException e) {
            throw command.usage(e.getMessage());
        }
        command.requireEnv(environment);
    }

    /** What the verbs that start a run share: NAME, --env, the request, following the run to its end. */
    abstract static class AppRun extends EngineVerb {
        @Parameters(index = "0", paramLabel = "NAME", description = "The app.")
        String name;

        @Option(names = "--env", paramLabel = "ENV", required = true,
                description = "The environment: the app's stack there is NAME/ENV.")
        String environment;

        AppRun(Cli cli) {
            super(cli);
        }

        /** Checks what this verb takes (a usage error otherwise); runs before anything is sent. */
        void check() {
            format();
            checkNameAndEnv(this, name, environment);
        }

        /** Starts the verb's run and follows it to its end; the exit code of its end (the record with -o). */
        int start(String verb, AppRequest request) {
            PulumiRun started = client().post(APPS + "/" + name + "/" + verb, request, PulumiRun.class);
            PulumiRun ended = follow(started, started.kind() + " of app " + name + " in " + environment);
            summarize(ended);
            return finish(list(ended));
        }
    }

    /** install and upgrade: input values from -f files (structure kept) and --set (text; never a secret). */
    abstract static class WithInputs extends AppRun {
        @Option(names = "--set", paramLabel = "NAME=VALUE",
                description = "An input value as text; repeatable, each name once; wins over -f. Not for secret inputs.")
        List<String> sets = new ArrayList<>();

        @Option(names = {"-f", "--values"}, paramLabel = "FILE",
                description = "Input values from a YAML map (objects and numbers kept); repeatable, a later file's"
                        + " input wins. Secret inputs go here.")
        List<Path> files = new ArrayList<>();

        Map<String, Object> values;
        Map<String, String> setValues;

        WithInputs(Cli cli) {
            super(cli);
        }

        @Override
        void check() {
            super.check();
            try {
                values = InputValues.structured(files.stream().map(cli::resolve).toList());
                setValues = InputValues.sets(sets);
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
            if (values.size() + setValues.size() > AppRequest.MAX_VALUES) {
                throw usage("at most " + AppRequest.MAX_VALUES + " input values in one request");
            }
        }

        /** A version given with --version or --to: its form checked here, its existence by labd. */
        String version(String flag, String version) {
            try {
                return version == null ? null : RepoCoordinates.requireVersion(version);
            } catch (IllegalArgumentException e) {
                throw usage(flag + " '" + version + "' is not a version such as 1.0.0 (labctl apps list shows the"
                        + " versions)");
            }
        }
    }

    // no mixinStandardHelpOptions: its -V, --version would take --version from the app's version (as repo push)
    @Command(name = "install", sortOptions = false,
            description = {"Install an app in an environment: its first revision there, a run of labd's engine.", "",
                    "Inputs are checked by labd against the version's app.yaml before anything runs (every bad one",
                    "named). Secret inputs only from -f files: --set of a secret is refused, as a command line",
                    "lands in shell history. Refused while the app is installed there: use upgrade. --dry-run has",
                    "labd plan the install: nothing changes, no revision is recorded.", "",
                    "Examples:",
                    "  labctl apps install postgresql --env lab",
                    "  labctl apps install postgresql --env lab --version 1.0.0 -f base.yaml -f secrets.yaml",
                    "  labctl apps install postgresql --env lab -f secrets.yaml --dry-run",
                    "  labctl apps install cilium --env edge --cluster k3s --set ipam=kubernetes -o json"},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:installed (or planned, with --dry-run)", "1:labd refused the request, or the run failed",
                    "2:usage error",
                    "130:interrupted: the run was cancelled", "255:labctl could not reach labd"})
    static final class Install extends WithInputs {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @Option(names = "--version", paramLabel = "VERSION", description = "The app's version (default: the newest).")
        String version;

        @Option(names = "--cluster", paramLabel = "CLUSTER",
                description = "A cluster registered in the environment to deploy to (default: the engine host's).")
        String cluster;

        @Option(names = "--dry-run", description = "Plan only: show what the install would create, change nothing.")
        boolean dryRun;

        Install(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            check();
            if (cluster != null) {
                try {
                    Names.require("cluster", cluster);
                } catch (IllegalArgumentException e) {
                    throw usage("--" + e.getMessage());
                }
            }
            return start(AppRequest.INSTALL, new AppRequest(environment, cluster, version("--version", version),
                    values, setValues, null, dryRun));
        }
    }

    @Command(name = "upgrade", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Upgrade an installed app: a new revision with a version and inputs.", "",
                    "The inputs given before are kept and the new ones applied over them; --to defaults to the",
                    "newest version. --dry-run has labd plan the upgrade: nothing changes, no revision is recorded.",
                    "",
                    "Examples:",
                    "  labctl apps upgrade postgresql --env lab --to 1.1.0 --dry-run",
                    "  labctl apps upgrade postgresql --env lab --set storageSize=50Gi",
                    "  labctl apps upgrade postgresql --env lab -f secrets.yaml -o yaml"},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:upgraded (or planned, with --dry-run)", "1:labd refused the request, or the run failed",
                    "2:usage error", "130:interrupted: the run was cancelled", "255:labctl could not reach labd"})
    static final class Upgrade extends WithInputs {
        @Option(names = "--to", paramLabel = "VERSION", description = "The version to go to (default: the newest).")
        String to;

        @Option(names = "--dry-run", description = "Plan only: show what would change, change nothing.")
        boolean dryRun;

        Upgrade(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            check();
            return start(AppRequest.UPGRADE, new AppRequest(environment, null, version("--to", to), values, setValues,
                    null, dryRun));
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Return an app to an earlier revision: its version with its inputs, as a new revision.", "",
                    "Examples:",
                    "  labctl apps rollback postgresql 1 --env lab",
                    "  labctl apps history postgresql --env lab     # the revisions to return to"},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:rolled back", "1:labd refused the request (e.g. no such revision), or the run failed",
                    "2:usage error", "130:interrupted: the run was cancelled", "255:labctl could not reach labd"})
    static final class Rollback extends AppRun {
        @Parameters(index = "1", paramLabel = "REVISION", description = "The revision to return to (apps history).")
        String revision;

        Rollback(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            check();
            if (!revision.matches("[1-9][0-9]{0,8}")) {
                throw usage("REVISION '" + revision + "' is not a revision number (a positive integer); see 'labctl"
                        + " apps history " + name + " --env " + environment + "'");
            }
            return start(AppRequest.ROLLBACK, new AppRequest(environment, null, null, null, null,
                    Integer.parseInt(revision), false));
        }
    }

    @Command(name = "uninstall", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Uninstall an app from an environment: destroy every resource it deployed there.", "",
                    "Asks first (only 'yes' uninstalls; --yes skips the question, for scripts; without a terminal",
                    "--yes is required). Recorded as a revision, so its history stays. Needs destroy on the",
                    "environment.", "",
                    "Examples:",
                    "  labctl apps uninstall postgresql --env lab",
                    "  labctl apps uninstall postgresql --env lab --yes -o json"},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:uninstalled", "1:labd refused the request, the run failed, or you declined",
                    "2:usage error (also: no terminal to ask and no --yes)", "130:interrupted: the run was cancelled",
                    "255:labctl could not reach labd"})
    static final class Uninstall extends AppRun {
        @Option(names = "--yes", description = "Uninstall without asking.")
        boolean yes;

        Uninstall(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            check();
            requireAnswerable(yes, "uninstall");
            if (!yes) {
                AppRelease release = deployed();
                AppRevision d = release == null ? null : release.deployed();
                String what = d == null ? "" : " (revision " + d.revision() + ", version " + d.version()
                        + (release.resources() == null ? "" : ", " + release.resources() + " resources") + ")";
                if (!confirm("Uninstall app " + name + what + " from " + environment + ", destroying every resource"
                        + " it deployed?")) {
                    return declined("Uninstall");
                }
            }
            return start(AppRequest.UNINSTALL, new AppRequest(environment, null, null, null, null, null, false));
        }

        /**
         * What is deployed, so the question says what goes (and an app never installed there fails before it); null
         * when the caller may destroy but not read there: the question is then asked without it.
         */
        private AppRelease deployed() {
            try {
                return client().get(APPS + "/" + name + envQuery(environment), AppRelease.class);
            } catch (LabdRefusal e) {
                if (e.status() == 403) {
                    return null;
                }
                throw e;
            }
        }
    }
}
