package io.labctl.cli.cmd;

import com.fasterxml.jackson.databind.JavaType;
import io.labctl.cli.Cli;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.render.ClusterPrinter;
import io.labctl.cli.render.Formats;
import io.labctl.protocol.InvalidInput;
import io.labctl.protocol.Json;
import io.labctl.protocol.Names;
import io.labctl.protocol.kube.ClusterInfo;
import io.labctl.protocol.kube.ClusterSpec;
import io.labctl.protocol.kube.Kubeconfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "clusters", aliases = {"cluster"}, mixinStandardHelpOptions = true,
        description = {"Kubernetes clusters labd reaches with a kubeconfig it keeps sealed.", "",
                "Examples:",
                "  labctl clusters add k3s --kubeconfig /etc/rancher/k3s/k3s.yaml --env lab",
                "  labctl clusters list",
                "  labctl describe cluster/k3s",
                "  labctl clusters remove k3s"},
        subcommands = {ClustersCommand.Add.class, ClustersCommand.ListClusters.class, ClustersCommand.Remove.class})
public final class ClustersCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: add, list or remove");
    }

    @Command(name = "add", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Register a Kubernetes cluster. labctl takes one context out of the kubeconfig (the",
                    "current one, or --kube-context), reads the files it names (CA, client certificate and",
                    "key, token file) and sends labd that context alone; labd seals it with its master key and never shows",
                    "it again. labd first checks that the API server answers over TLS verified against the",
                    "kubeconfig's CA and takes its credential (--no-verify skips the check). A kubeconfig whose",
                    "user runs an exec plugin or an auth-provider is refused: labd runs no program from a",
                    "kubeconfig; give it a client certificate or a service account's token. --env names an",
                    "environment that exists ('labctl get environments'); --cloud may be left out (the",
                    "environment's) and must match it when given. Needs admin everywhere.", "",
                    "Examples:",
                    "  labctl clusters add k3s --kubeconfig /etc/rancher/k3s/k3s.yaml --env lab",
                    "  labctl clusters add prod --kubeconfig ~/.kube/config --kube-context prod-admin --env prod",
                    "  labctl clusters add edge --kubeconfig edge.yaml --env edge --no-verify"},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                    "0:added",
                    "1:labd refused (not admin, the name is taken, no such environment, the API server did not"
                            + " answer or took not the credential)",
                    "2:usage error: bad NAME or --env, a kubeconfig that cannot be read or is refused",
                    "255:labctl could not reach labd"})
    static final class Add extends LabdCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The cluster's name in labctl (lower-case letters, digits, '-').")
        String name;

        @Option(names = "--kubeconfig", required = true, paramLabel = "PATH", description = "The kubeconfig file.")
        Path kubeconfig;

        // --context is labctl's own (which labd to talk to); helm names the kubeconfig's the same way
        @Option(names = "--kube-context", paramLabel = "CTX", description = "The kubeconfig's context to take (default: its current-context).")
        String context;

        @Option(names = "--env", required = true, paramLabel = "ENV", description = "The environment the cluster belongs to.")
        String env;

        @Option(names = "--cloud", paramLabel = "CLOUD", description = "The cloud of that environment (default: the environment's own).")
        String cloud;

        @Option(names = "--no-verify", description = "Do not ask the API server first.")
        boolean noVerify;

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "json or yaml (default: one line).")
        String output;

        Add(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            String format = output(output, Set.of("json", "yaml"));
            String minified;
            try {
                ClusterInfo.requireName(name);
                Names.require("--env", env);
                if (cloud != null) {
                    Names.require("--cloud", cloud);
                }
                minified = Kubeconfig.minify(Kubeconfig.select(read(kubeconfig), context, this::referenced));
            } catch (InvalidInput e) {
                throw usage(e.getMessage());
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
            ClusterInfo added = client().post(ClusterInfo.PATH, new ClusterSpec(name, env, cloud, minified, !noVerify),
                    ClusterInfo.class);
            if ("json".equals(format)) {
                print(Formats.json(added));
            } else if ("yaml".equals(format)) {
                print(Formats.yaml(added));
            } else {
                print("cluster/" + added.name() + " added: " + added.server() + (added.version() == null
                        ? " (not checked)" : ", Kubernetes " + added.version()) + ", environment " + added.environment()
                        + "\n");
            }
            return ExitCodes.OK;
        }

        /** A file the kubeconfig names: relative to the kubeconfig's folder, as kubectl reads it. */
        private byte[] referenced(String path) throws IOException {
            Path p = Path.of(path.startsWith("~/") ? System.getProperty("user.home") + path.substring(1) : path);
            Path base = kubeconfig.toAbsolutePath().getParent();
            Path file = p.isAbsolute() || base == null ? p : base.resolve(p);
            if (Files.size(file) > Kubeconfig.MAX_BYTES) {
                throw new IOException("larger than " + Kubeconfig.MAX_BYTES / 1024 + " KiB");
            }
            return Files.readAllBytes(file);
        }

        private String read(Path file) {
            try {
                if (Files.size(file) > Kubeconfig.MAX_BYTES) {
                    throw usage("--kubeconfig " + file + " is larger than " + Kubeconfig.MAX_BYTES / 1024
                            + " KiB: is it the right file?");
                }
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw usage("--kubeconfig " + file + " does not exist");
            } catch (IOException e) {
                throw usage("cannot read --kubeconfig " + file + ": " + e.getMessage());
            }
        }
    }

    @Command(name = "list", aliases = {"ls"}, mixinStandardHelpOptions = true, sortOptions = false,
            description = {"List the clusters you may read: environment, API server, the version it reports and",
                    "whether it answers labd now (labd asks each API server as you list). -o wide adds the",
                    "context, how labd authenticates, who added it and why one does not answer.",
                    "Needs read on the cluster (read:CLOUD:ENV:cluster/NAME).", "",
                    "Examples:",
                    "  labctl clusters list",
                    "  labctl get clusters -o wide",
                    "  labctl clusters list -o json"})
    static final class ListClusters extends LabdCommand {
        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "wide, json or yaml (default: a table).")
        String output;

        ListClusters(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            return list(this, output);
        }
    }

    /** The listing, for 'clusters list' and 'get clusters'. */
    static int list(LabdCommand command, String output) {
        String format = command.output(output, Set.of("wide", "json", "yaml"));
        JavaType type = Json.json().getTypeFactory().constructCollectionType(java.util.List.class, ClusterInfo.class);
        java.util.List<ClusterInfo> clusters = command.client().get(ClusterInfo.PATH, type);
        if (clusters == null) {
            clusters = java.util.List.of();
        }
        if ("json".equals(format)) {
            command.print(Formats.json(clusters));
        } else if ("yaml".equals(format)) {
            command.print(Formats.yaml(clusters));
        } else {
            command.print(ClusterPrinter.table(clusters, "wide".equals(format), command.cli.now()));
        }
        return ExitCodes.OK;
    }

    @Command(name = "remove", aliases = {"rm"}, mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Remove a cluster: labd forgets it and its sealed kubeconfig. Nothing changes on the",
                    "cluster itself. Needs admin everywhere.", "",
                    "Examples:",
                    "  labctl clusters remove k3s"})
    static final class Remove extends LabdCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The cluster to remove.")
        String name;

        Remove(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            try {
                ClusterInfo.requireName(name);
            } catch (InvalidInput e) {
                throw usage(e.getMessage());
            }
            ClusterInfo removed = client().delete(ClusterInfo.PATH + "/" + name, ClusterInfo.class);
            print("cluster/" + removed.name() + " removed\n");
            return ExitCodes.OK;
        }
    }
}
