package io.labctl.cli.cmd;

import com.fasterxml.jackson.databind.JavaType;
import io.labctl.cli.Cli;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.http.LabdClient;
import io.labctl.cli.render.Formats;
import io.labctl.cli.render.RepoPrinter;
import io.labctl.protocol.InvalidInput;
import io.labctl.protocol.Json;
import io.labctl.protocol.modules.RepoCoordinates;
import io.labctl.protocol.modules.RepoEntry;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "repo", mixinStandardHelpOptions = true,
        description = {"labd's bundle repository: module jars, Karaf feature files and artifacts (such as a k3s",
                "binary) that agents fetch, each NAME/VERSION with the SHA-256 labd computed when it received it.",
                "Entries never change: other content needs a new version.", "", "Examples:",
                "  labctl repo list",
                "  labctl repo push target/labctl-module-motd-1.0.0.jar",
                "  labctl repo push ./k3s --name k3s --version v1.30.2+k3s1",
                "  labctl repo remove k3s/v1.30.2+k3s1"},
        subcommands = {RepoCommand.ListEntries.class, RepoCommand.Push.class, RepoCommand.Remove.class})
public final class RepoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: list, push or remove");
    }

    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"List the repository's entries: name, version, kind (module, feature, artifact),",
                    "size, the start of the SHA-256 and who uploaded it when. Needs read everywhere",
                    "(read:*:*:*).", "",
                    "Examples:",
                    "  labctl repo list",
                    "  labctl repo list -o json"})
    static final class ListEntries extends LabdCommand {
        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
                description = {"json or yaml (default: a table); both show the whole digest and a module's descriptor.",
                        "name: one NAME/VERSION a line, as 'labctl repo remove' takes it."})
        String output;

        ListEntries(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            String format = output(output, Set.of("json", "yaml", "name"));
            JavaType type = Json.json().getTypeFactory().constructCollectionType(List.class, RepoEntry.class);
            List<RepoEntry> entries = client().get(RepoEntry.PATH, type);
            if (entries == null) {
                entries = List.of();
            }
            if ("name".equals(format)) {
                entries.forEach(e -> cli.out().println(e.name() + "/" + e.version()));
            } else if ("json".equals(format)) {
                print(Formats.json(entries));
            } else if ("yaml".equals(format)) {
                print(Formats.yaml(entries));
            } else {
                print(RepoPrinter.table(entries, cli.now()));
            }
            return ExitCodes.OK;
        }
    }

    // no standard options: their --version (labctl's own) would take the entry's --version
    @Command(name = "push", sortOptions = false,
            description = {"Upload FILE to the repository. A module jar (module.yaml at its root) is stored as",
                    "NAME/VERSION from its module.yaml, after labd checked it; a Karaf features file or any",
                    "other file needs --version, and an artifact --name too. Pushing the same content again",
                    "changes nothing; other content under an existing NAME/VERSION is refused. The file is",
                    "streamed (progress is shown on a terminal for big files); labd refuses what is above",
                    "its limit (256 MiB unless configured). Needs admin everywhere (admin:*:*:*).", "",
                    "Examples:",
                    "  labctl repo push target/labctl-module-motd-1.0.0.jar",
                    "  labctl repo push ./k3s --name k3s --version v1.30.2+k3s1",
                    "  labctl repo push features.xml --version 1.0.0"})
    static final class Push extends LabdCommand {
        private static final long PROGRESS_FROM_BYTES = 4L << 20;
        private static final long PROGRESS_EVERY_NANOS = 200_000_000L;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @Parameters(index = "0", paramLabel = "FILE", description = "The module jar, features file or artifact.")
        String file;

        @Option(names = "--name", paramLabel = "NAME", description = "The entry's name (artifacts; a module's comes from its module.yaml).")
        String name;

        @Option(names = "--version", paramLabel = "VERSION", description = "The entry's version (features and artifacts).")
        String version;

        Push(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            try {
                if (name != null) {
                    RepoCoordinates.requireName(name);
                }
                if (version != null) {
                    RepoCoordinates.requireVersion(version);
                }
            } catch (InvalidInput e) {
                throw usage(e.asFlag());
            }
            Path path = cli.resolve(file);
            if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                throw usage("cannot read " + file + ": it is not a readable file");
            }
            StringBuilder query = new StringBuilder("?file=").append(encode(path.getFileName().toString()));
            if (name != null) {
                query.append("&name=").append(encode(name));
            }
            if (version != null) {
                query.append("&version=").append(encode(version));
            }
            LabdClient.Uploaded<RepoEntry> answer = client().upload(RepoEntry.PATH + query, path, RepoEntry.class,
                    progress(path));
            RepoEntry e = answer.body();
            if (answer.status() == 201) {
                print("pushed " + e.coordinates() + " (" + e.kind() + ", " + RepoEntry.humanSize(e.size()) + ", sha256 "
                        + e.sha256() + ")\n");
            } else {
                print(e.coordinates() + " unchanged: the repository holds the same content (sha256 " + e.sha256()
                        + ")\n");
            }
            return ExitCodes.OK;
        }

        /** A progress line on stderr when a person watches (stdin a terminal) and the file is big enough to wait for. */
        private LongConsumer progress(Path path) {
            long size;
            try {
                size = Files.size(path);
            } catch (java.io.IOException e) {
                size = 0;
            }
            long total = size;
            if (total < PROGRESS_FROM_BYTES || !cli.stdio().stdinIsTerminal().getAsBoolean()) {
                return sent -> { };
            }
            PrintWriter err = cli.err();
            long[] last = {0};
            return sent -> {
                long now = System.nanoTime();
                if (sent < total && now - last[0] < PROGRESS_EVERY_NANOS) {
                    return;
                }
                last[0] = now;
                err.print("\rpushing " + path.getFileName() + ": " + RepoEntry.humanSize(sent) + " of "
                        + RepoEntry.humanSize(total) + " (" + (100 * sent / total) + "%)" + (sent >= total ? "\n" : ""));
                err.flush();
            };
        }
    }

    @Command(name = "remove", aliases = "rm", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Remove NAME/VERSION from the repository. Refused while it is in use (a module",
                    "assigned to servers): the refusal says by what. Needs admin everywhere (admin:*:*:*).", "",
                    "Examples:",
                    "  labctl repo remove k3s/v1.30.2+k3s1",
                    "  labctl repo remove motd/1.0.0"})
    static final class Remove extends LabdCommand {
        @Parameters(index = "0", paramLabel = "NAME/VERSION", description = "The entry, as 'labctl repo list' shows it.")
        String entry;

        Remove(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            RepoCoordinates c;
            try {
                c = RepoCoordinates.parse(entry);
            } catch (InvalidInput e) {
                throw usage(e.getMessage());
            }
            client().delete(RepoEntry.PATH + "/" + encode(c.name()) + "/" + encode(c.version()), RepoEntry.class);
            print("removed " + c + "\n");
            return ExitCodes.OK;
        }
    }

    /** Percent-encoded for a path segment or a query value: a version's '+' must not arrive as a space. */
    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
