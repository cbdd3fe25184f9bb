package io.labctl.cli.cmd;

import com.fasterxml.jackson.databind.JavaType;
import io.labctl.cli.Cli;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.render.Formats;
import io.labctl.cli.render.SourcePrinter;
import io.labctl.protocol.InvalidInput;
import io.labctl.protocol.Json;
import io.labctl.protocol.sources.BuildInfo;
import io.labctl.protocol.sources.SourceInfo;
import io.labctl.protocol.sources.SourceSpec;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code labctl modules add|update|sources} and {@code labctl apps add|update|sources}: custom modules and apps built
 * by labd from git (one pipeline; a source's kind says which jar its build publishes).
 */
final class SourcesCommands {
    private static final long POLL_MILLIS = 2000;   // each poll is an audited read: every 2 s is enough for a build of tens of seconds

    private SourcesCommands() {}

    /** Starts a build and, unless told not to, follows it to its end; labd's own progress lines go to stderr. */
    abstract static class Building extends LabdCommand {
        @Option(names = "--no-wait", description = "Print the build's id and return; follow it with 'labctl logs build/ID'.")
        boolean noWait;

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "json or yaml: the ended build (without its log).")
        String output;

        Building(Cli cli) {
            super(cli);
        }

        /** The output format and the module's name, checked before labd is asked. */
        void checkBeforeAsking(String name) {
            output(output, Set.of("json", "yaml"));
            try {
                ModulesCommand.moduleName(name);
            } catch (InvalidInput e) {
                throw usage(e.getMessage());
            }
        }

        int follow(BuildInfo started) {
            String format = output(output, Set.of("json", "yaml"));
            if (noWait) {
                print("build " + started.id() + " of " + started.module() + " started; follow it with 'labctl logs build/"
                        + started.id() + "'\n");
                return ExitCodes.OK;
            }
            cli.err().println("building " + started.module() + " from " + started.url() + (started.ref() == null ? ""
                    : " at " + started.ref()) + " (build " + started.id() + ")");
            cli.err().flush();
            int shown = 0;
            BuildInfo b = started;
            while (true) {
                b = client().get(BuildInfo.PATH + "/" + started.id(), BuildInfo.class);
                String log = b.log() == null ? "" : b.log();
                int end = log.lastIndexOf('\n') + 1;
                if (end > shown) {
                    for (String line : log.substring(shown, end).split("\n")) {
                        if (line.startsWith("[labd] ")) {
                            cli.err().println("  " + line.substring(7));
                        }
                    }
                    cli.err().flush();
                    shown = end;
                }
                if (!BuildInfo.RUNNING.equals(b.state())) {
                    break;
                }
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cli.err().println("stopped following; the build goes on in labd: labctl logs build/" + started.id());
                    return ExitCodes.CANCELLED;
                }
            }
            BuildInfo ended = new BuildInfo(b.id(), b.module(), b.url(), b.ref(), b.commit(), b.state(), b.step(),
                    b.detail(), b.version(), b.sha256(), b.startedBy(), b.startedAt(), b.endedAt(), null);
            if ("json".equals(format)) {
                print(Formats.json(ended));
            } else if ("yaml".equals(format)) {
                print(Formats.yaml(ended));
            } else if (BuildInfo.SUCCEEDED.equals(b.state())) {
                print(SourcePrinter.outcome(b));
            } else {
                cli.err().print(SourcePrinter.outcome(b));
                cli.err().flush();
            }
            return BuildInfo.SUCCEEDED.equals(b.state()) ? ExitCodes.OK : ExitCodes.REFUSED;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Add a custom module from a git repository: labd clones it (JGit), builds it with Maven",
                    "in a sandbox (another user, no network, labd's keys and data out of sight, a time limit and a",
                    "memory cap) against its own module API, runs the module's own tests (a module without tests",
                    "is refused), checks the jar as 'labctl repo push' does and publishes it to the repository.",
                    "A failed clone, build, test or check publishes nothing: the error names the step, and",
                    "'labctl logs build/ID' shows the whole log. NAME is the name in the module's module.yaml.",
                    "--ref is a branch, a tag or a commit (default: the remote's default branch). A private",
                    "repository needs --credential (see 'labctl create credential'). Needs admin everywhere.", "",
                    "Examples:",
                    "  labctl modules add motd --git https://git.example.com/ops/motd-module.git",
                    "  labctl modules add motd --git https://git.example.com/ops/motd-module.git --ref v1.2.0 --credential gitea",
                    "  labctl modules add motd --git file:///srv/git/motd-module.git --no-wait"},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                    "0:built, tested, checked and published",
                    "1:labd refused (not admin, already added, unknown credential) or the build failed (clone,"
                            + " build, test, check or publish)",
                    "2:usage error: bad NAME, --git or --ref",
                    "255:labctl could not reach labd"})
    static class Add extends Building {
        @Parameters(index = "0", paramLabel = "NAME", description = "Its name: as in the module's module.yaml (the app's app.yaml).")
        String name;

        @Option(names = "--git", required = true, paramLabel = "URL", description = "The repository: https://, http://, git://, ssh:// or file://.")
        String url;

        @Option(names = "--ref", paramLabel = "REF", description = "Branch, tag or commit to build (default: the default branch).")
        String ref;

        @Option(names = "--credential", paramLabel = "NAME", description = "The credential to clone with.")
        String credential;

        Add(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            checkBeforeAsking(name);
            if (url.isBlank() || url.chars().anyMatch(Character::isWhitespace)) {
                throw usage("--git: give the repository's URL, e.g. https://git.example.com/ops/motd-module.git");
            }
            if (ref != null && (ref.isBlank() || ref.startsWith("-") || ref.chars().anyMatch(Character::isWhitespace))) {
                throw usage("--ref '" + ref + "' is not a branch, tag or commit name");
            }
            BuildInfo started = client().post(SourceInfo.PATH, new SourceSpec(name, url.strip(), ref, credential,
                    kind()), BuildInfo.class);
            return follow(started);
        }

        String kind() {
            return SourceSpec.MODULE;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Add an app from a git repository: labd clones it (JGit), builds it with Maven in a sandbox",
                    "(another user, no network, labd's keys and data out of sight, a time limit and a memory cap),",
                    "runs the app's own tests (an app without tests is refused), checks the build's runnable app jar",
                    "(app/app.yaml, a Main-Class, the Pulumi SDK inside: shade it as apps/pom.xml does) as 'labctl",
                    "repo push' does and publishes it. A failed step publishes nothing: the error names it, and",
                    "'labctl logs build/ID' shows the whole log. NAME is the name in the app's app.yaml. --ref is",
                    "a branch, a tag or a commit. A private repository needs --credential. Needs admin everywhere.", "",
                    "Examples:",
                    "  labctl apps add web --git https://git.example.com/ops/web-app.git",
                    "  labctl apps add web --git https://git.example.com/ops/web-app.git --ref v1.2.0 --credential gitea"},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                    "0:built, tested, checked and published",
                    "1:labd refused (not admin, already added, unknown credential) or the build failed (clone,"
                            + " build, test, check or publish)",
                    "2:usage error: bad NAME, --git or --ref",
                    "255:labctl could not reach labd"})
    static final class AddApp extends Add {
        AddApp(Cli cli) {
            super(cli);
        }

        @Override
        String kind() {
            return SourceSpec.APP;
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Fetch a git-sourced module's ref again, rebuild, test, check and publish the new version",
                    "(its module.yaml version must be new: the repository never changes a published version).",
                    "The modules applied to servers stay at their version until you apply the new one",
                    "('labctl modules apply NAME@VERSION -l ...'). Needs admin everywhere.", "",
                    "Examples:",
                    "  labctl modules update motd",
                    "  labctl modules update motd -o json"},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                    "0:built, tested, checked and published",
                    "1:labd refused (not admin, not added from git) or the build failed",
                    "2:usage error: bad NAME",
                    "255:labctl could not reach labd"})
    static class Update extends Building {
        @Parameters(index = "0", paramLabel = "NAME", description = "A module (an app) added from git with 'add'.")
        String name;

        Update(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            checkBeforeAsking(name);
            return follow(client().post(SourceInfo.PATH + "/" + name + "/update", null, BuildInfo.class));
        }
    }

    @Command(name = "sources", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"The modules built from git: name, URL, ref, the commit the published version was built",
                    "from, that version, who added it and when, and the last build (its id for",
                    "'labctl logs build/ID' and its state). Needs read everywhere. 'labctl delete",
                    "source/NAME' makes labd forget one.", "",
                    "Examples:",
                    "  labctl modules sources",
                    "  labctl modules sources -o yaml"})
    static class Sources extends LabdCommand {
        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "json or yaml (default: a table).")
        String output;

        Sources(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            String format = output(output, Set.of("json", "yaml"));
            JavaType type = Json.json().getTypeFactory().constructCollectionType(List.class, SourceInfo.class);
            List<SourceInfo> all = client().get(SourceInfo.PATH, type);
            // a labd from before apps names no kind: its sources are modules
            List<SourceInfo> list = all == null ? List.of() : all.stream()
                    .filter(s -> kind().equals(s.kind() == null ? SourceSpec.MODULE : s.kind())).toList();
            if ("json".equals(format)) {
                print(Formats.json(list));
            } else if ("yaml".equals(format)) {
                print(Formats.yaml(list));
            } else {
                print(SourcePrinter.sources(list, cli.now()));
            }
            return ExitCodes.OK;
        }

        String kind() {
            return SourceSpec.MODULE;
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Fetch a git-sourced app's ref again, rebuild, test, check and publish the new version (its",
                    "app.yaml version must be new). Installs stay at their version until 'labctl apps upgrade'.",
                    "Needs admin everywhere.", "",
                    "Examples:",
                    "  labctl apps update web",
                    "  labctl apps upgrade web --env lab      # then move an install to it"},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                    "0:built, tested, checked and published",
                    "1:labd refused (not admin, not added from git) or the build failed",
                    "2:usage error: bad NAME",
                    "255:labctl could not reach labd"})
    static final class UpdateApp extends Update {
        UpdateApp(Cli cli) {
            super(cli);
        }
    }

    @Command(name = "sources", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"The apps built from git: name, URL, ref, the commit the published version was built from,",
                    "that version, who added it and when, and the last build (its id for 'labctl logs build/ID'",
                    "and its state). Needs read everywhere.", "",
                    "Examples:",
                    "  labctl apps sources",
                    "  labctl apps sources -o yaml"})
    static final class AppSources extends Sources {
        AppSources(Cli cli) {
            super(cli);
        }

        @Override
        String kind() {
            return SourceSpec.APP;
        }
    }
}
