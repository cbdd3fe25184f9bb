package io.labctl.cli.cmd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labctl.cli.Cli;
import io.labctl.cli.CliException;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.RunsLocally;
import io.labctl.cli.config.ContextEntry;
import io.labctl.protocol.InvalidInput;
import io.labctl.protocol.Json;
import io.labctl.protocol.Pem;
import io.labctl.protocol.kube.ClusterInfo;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "kubectl", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run your own kubectl against a cluster, through labd.", "",
                "labctl hands kubectl a kubeconfig that lives as long as the command: its server is labd's proxy for",
                "the cluster and it authenticates with your labctl certificate. labd checks every request against",
                "your rules (kubectl on cluster/NAME; writes also manage, deletes destroy, exec/attach/port-forward",
                "exec, reading Secrets manage), audits it, and forwards it with the cluster's sealed credential,",
                "naming you to the cluster as labctl:USER where that credential may impersonate.",
                "Put kubectl's own arguments after --. kubectl is taken from --kubectl, $LABCTL_KUBECTL, or PATH.",
                "", "Examples:",
                "  labctl kubectl --cluster k3s -- get pods -A",
                "  labctl kubectl --cluster k3s -- logs -f deploy/web",
                "  labctl kubectl --cluster k3s -- exec -it web-0 -- sh",
                "  labctl kubectl --cluster k3s config              # a context for helm, k9s ... in ~/.kube/config"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"N:kubectl's own exit code", "2:usage error (no --cluster, an argument that would bypass labd)",
                "127:kubectl not found"},
        subcommands = {KubectlCommand.Config.class, KubectlCommand.Credential.class})
public final class KubectlCommand extends LabdCommand implements RunsLocally {
    /** kubectl flags that would send the request somewhere else than labd, or with other credentials. */
    static final Set<String> BYPASSING = Set.of("--kubeconfig", "--context", "--cluster", "--user", "--server", "-s",
            "--token", "--username", "--password", "--client-certificate", "--client-key", "--certificate-authority",
            "--insecure-skip-tls-verify", "--tls-server-name");
    static final int NOT_FOUND = 127;

    @Option(names = "--cluster", paramLabel = "NAME", description = "The cluster, as 'labctl clusters list' names it.")
    String cluster;

    @Option(names = "--kubectl", paramLabel = "PATH", description = "The kubectl to run (default: $LABCTL_KUBECTL, then PATH).")
    Path kubectl;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "The namespace of the kubeconfig's context.")
    String namespace;

    @Parameters(paramLabel = "ARGS", description = "kubectl's arguments (after --).")
    List<String> args = new ArrayList<>();

    public KubectlCommand(Cli cli) {
        super(cli);
    }

    @Override
    public Integer call() throws Exception {
        String name = clusterName(cluster);
        for (String a : args) {
            String flag = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (BYPASSING.contains(flag)) {
                throw usage(flag + " would take kubectl past labd: labctl kubectl sets where kubectl goes and who you"
                        + " are; drop it (use --cluster to pick the cluster)");
            }
        }
        if (args.isEmpty()) {
            throw usage("give kubectl's arguments after --, e.g. labctl kubectl --cluster " + name + " -- get pods");
        }
        Path program = findKubectl(cli, kubectl);
        ContextEntry context = cli.context();
        Path dir = Files.createTempDirectory("labctl-kubectl-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path config = dir.resolve("kubeconfig");
        Thread cleanup = new Thread(() -> deleteQuietly(dir));
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            // the key is in the labctl config already; this copy lives, owner-only, as long as this command
            Files.writeString(config, Json.yaml().writeValueAsString(shortLived(context, name, namespace)),
                    StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
            List<String> command = new ArrayList<>();
            command.add(program.toString());
            command.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
            pb.environment().put("KUBECONFIG", config.toString());
            Process p = pb.start();
            try {
                return p.waitFor();
            } catch (InterruptedException e) {
                p.destroy();
                Thread.currentThread().interrupt();
                return ExitCodes.CANCELLED;
            }
        } finally {
            deleteQuietly(dir);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    static String clusterName(String cluster) {
        if (cluster == null) {
            throw CliException.usage("name the cluster with --cluster NAME (see 'labctl clusters list')");
        }
        try {
            return ClusterInfo.requireName(cluster);
        } catch (InvalidInput e) {
            throw CliException.usage(e.getMessage());
        }
    }

    /** labd's proxy URL for a cluster: the labd of the context, path /proxy/kube/NAME. */
    static String proxyUrl(ContextEntry context, String cluster) {
        String server = context.server().endsWith("/") ? context.server().substring(0, context.server().length() - 1)
                : context.server();
        return server + "/proxy/kube/" + cluster;
    }

    /** A kubeconfig with the certificate and key inline, for one command's kubectl. */
    static ObjectNode shortLived(ContextEntry context, String cluster, String namespace) {
        ObjectNode user = Json.json().createObjectNode();
        user.put("client-certificate-data", base64(context.certificate()));
        user.put("client-key-data", base64(context.privateKey()));
        return kubeconfig(context, cluster, "labctl-" + cluster, namespace, user);
    }

    static ObjectNode kubeconfig(ContextEntry context, String cluster, String name, String namespace, ObjectNode user) {
        ObjectNode root = Json.json().createObjectNode();
        root.put("apiVersion", "v1");
        root.put("kind", "Config");
        root.set("clusters", Json.json().createArrayNode().add(entry(name, "cluster", Json.json().createObjectNode()
                .put("server", proxyUrl(context, cluster))
                .put("certificate-authority-data", base64(context.caCertificate())))));
        root.set("users", Json.json().createArrayNode().add(entry(name, "user", user)));
        ObjectNode ctx = Json.json().createObjectNode().put("cluster", name).put("user", name);
        if (namespace != null && !namespace.isBlank()) {
            ctx.put("namespace", namespace);
        }
        root.set("contexts", Json.json().createArrayNode().add(entry(name, "context", ctx)));
        root.put("current-context", name);
        return root;
    }

    private static ObjectNode entry(String name, String field, ObjectNode value) {
        ObjectNode e = Json.json().createObjectNode();
        e.put("name", name);
        e.set(field, value);
        return e;
    }

    private static String base64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }

    /** --kubectl, else $LABCTL_KUBECTL, else the first executable kubectl on PATH. */
    static Path findKubectl(Cli cli, Path given) {
        String fromEnv = cli.env("LABCTL_KUBECTL");
        Path chosen = given != null ? cli.resolve(given) : fromEnv != null ? Path.of(fromEnv) : null;
        if (chosen != null) {
            if (!Files.isExecutable(chosen)) {
                throw new CliException(NOT_FOUND, chosen + " is not an executable kubectl");
            }
            return chosen;
        }
        String path = cli.env("PATH") != null ? cli.env("PATH") : System.getenv("PATH");
        for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "kubectl"))) {
                return Path.of(dir, "kubectl");
            }
        }
        throw new CliException(NOT_FOUND, "kubectl is not on PATH: install it (any kubectl 1.30 or newer), or give"
                + " --kubectl PATH");
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Command(name = "config", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Write a context for the cluster, through labd, into a kubeconfig, for tools other than",
                    "kubectl (helm, k9s ...). The context's user runs 'labctl kubectl credential' when the tool",
                    "needs a credential, so no key is copied into the kubeconfig. Other entries of the file are kept;",
                    "an entry of the same name is replaced.", "",
                    "Examples:",
                    "  labctl kubectl --cluster k3s config",
                    "  labctl kubectl --cluster k3s config --use           # and make it the current context",
                    "  labctl kubectl --cluster k3s config --kubeconfig ./k3s.yaml --name lab-k3s"},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:written", "2:usage error, or the kubeconfig cannot be read or written"})
    static final class Config extends LabdCommand implements RunsLocally {
        @ParentCommand
        KubectlCommand parent;

        @Option(names = "--kubeconfig", paramLabel = "FILE",
                description = "The kubeconfig to write (default: the first file of $KUBECONFIG, else ~/.kube/config).")
        Path file;

        @Option(names = "--name", paramLabel = "CTX", description = "The context's name (default: labctl-CLUSTER).")
        String name;

        @Option(names = "--use", description = "Also make it the current context.")
        boolean use;

        Config(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() throws Exception {
            String cluster = clusterName(parent.cluster);
            String entry = name != null ? name : "labctl-" + cluster;
            ContextEntry context = cli.context();
            Path target = file != null ? cli.resolve(file) : defaultKubeconfig(cli);
            ObjectNode user = Json.json().createObjectNode();
            ObjectNode exec = user.putObject("exec");
            exec.put("apiVersion", "client.authentication.k8s.io/v1");
            exec.put("command", launcher(cli));
            exec.set("args", Json.json().createArrayNode().add("kubectl").add("credential").add("--context")
                    .add(context.name()));
            exec.put("interactiveMode", "Never");
            ObjectNode written = kubeconfig(context, cluster, entry, parent.namespace, user);
            ObjectNode merged = merge(read(target), written, use);
            write(target, merged);
            cli.out().println("context " + entry + " written to " + target + (use ? " (current context)" : "")
                    + "; use it with: kubectl --context " + entry + " get pods");
            cli.out().flush();
            return ExitCodes.OK;
        }

        private static Path defaultKubeconfig(Cli cli) {
            String env = cli.env("KUBECONFIG");
            if (env != null) {
                return cli.resolve(env.split(File.pathSeparator)[0]);
            }
            String home = cli.env("HOME") != null ? cli.env("HOME") : System.getProperty("user.home");
            return Path.of(home, ".kube", "config");
        }

        /** The labctl that tools call back: the launcher of this tree, else labctl on PATH. */
        private static String launcher(Cli cli) {
            Path home = cli.labctlHome();
            if (home != null && Files.isExecutable(home.resolve("labctl"))) {
                return home.resolve("labctl").toAbsolutePath().toString();
            }
            return "labctl";
        }

        private static ObjectNode read(Path file) {
            if (!Files.exists(file)) {
                return Json.json().createObjectNode();
            }
            try {
                JsonNode node = Json.yaml().readTree(Files.readAllBytes(file));
                if (node == null || node.isMissingNode() || node.isNull()) {
                    return Json.json().createObjectNode();
                }
                if (!(node instanceof ObjectNode o)) {
                    throw CliException.usage(file + " is not a kubeconfig (not a YAML mapping); give another with"
                            + " --kubeconfig");
                }
                return o;
            } catch (IOException e) {
                throw CliException.usage(file + " cannot be read as a kubeconfig: " + e.getMessage()
                        + "; fix it or give another with --kubeconfig");
            }
        }

        /** The existing file with the new cluster, user and context in place of any of the same name. */
        static ObjectNode merge(ObjectNode existing, ObjectNode added, boolean use) {
            ObjectNode out = existing.deepCopy();
            out.put("apiVersion", "v1");
            out.put("kind", "Config");
            for (String list : List.of("clusters", "users", "contexts")) {
                JsonNode current = out.get(list);
                ArrayNode items = current instanceof ArrayNode a ? a : Json.json().createArrayNode();
                for (JsonNode item : added.get(list)) {
                    String n = item.path("name").asText();
                    for (int i = items.size() - 1; i >= 0; i--) {
                        if (n.equals(items.get(i).path("name").asText())) {
                            items.remove(i);
                        }
                    }
                    items.add(item);
                }
                out.set(list, items);
            }
            if (use || !out.hasNonNull("current-context")) {
                out.put("current-context", added.get("current-context").asText());
            }
            return out;
        }

        private static void write(Path file, ObjectNode config) {
            try {
                Path dir = file.toAbsolutePath().getParent();
                Files.createDirectories(dir);
                Path tmp = Files.createTempFile(dir, ".labctl-kubeconfig", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(tmp, Json.yaml().writeValueAsString(config), StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw CliException.usage("cannot write " + file + ": " + e.getMessage());
            }
        }
    }

    @Command(name = "credential", hidden = true, mixinStandardHelpOptions = true,
            description = {"Print an ExecCredential with this context's certificate and key: what kubectl and other",
                    "tools run (from a context 'labctl kubectl config' wrote) when they need a credential.", "",
                    "Example:", "  labctl --context admin@labd kubectl credential"})
    static final class Credential extends LabdCommand implements RunsLocally {
        Credential(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() throws Exception {
            ContextEntry context = cli.context();
            Map<String, Object> status = new LinkedHashMap<>();
            status.put("clientCertificateData", context.certificate());
            status.put("clientKeyData", context.privateKey());
            X509Certificate cert = Pem.certificates(context.certificate()).get(0);
            // tools keep it until then, and ask again after (labctl renews the certificate when it is due)
            status.put("expirationTimestamp", DateTimeFormatter.ISO_INSTANT.format(cert.getNotAfter().toInstant()));
            Map<String, Object> credential = new LinkedHashMap<>();
            credential.put("apiVersion", "client.authentication.k8s.io/v1");
            credential.put("kind", "ExecCredential");
            credential.put("status", status);
            cli.out().println(Json.json().writeValueAsString(credential));
            cli.out().flush();
            return ExitCodes.OK;
        }
    }
}
