package io.labctl.modules.support;

import io.labctl.module.ArtifactResource;
import io.labctl.module.CommandResult;
import io.labctl.module.DesiredState;
import io.labctl.module.DirectoryResource;
import io.labctl.module.FileResource;
import io.labctl.module.Health;
import io.labctl.module.Inputs;
import io.labctl.module.ModuleContext;
import io.labctl.module.ModuleException;
import io.labctl.module.ServiceResource;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a k3s server and a k3s agent have in common: the k3s binary from labd's repository (artifact
 * {@code k3s/<version>}, its SHA-256 pinned by an input), {@code /etc/rancher/k3s/config.yaml} (0600: it holds the
 * join token), a systemd unit restarted when either changes, and the health check (the node is Ready).
 * Data ({@code /var/lib/rancher/k3s}: etcd, images, the node's identity) is k3s's own and never touched.
 */
public final class K3sNode {
    public static final String BINARY = "/usr/local/bin/k3s";
    public static final String CONFIG_DIRECTORY = "/etc/rancher/k3s";
    public static final String CONFIG = CONFIG_DIRECTORY + "/config.yaml";
    /** The artifact's name in labd's repository; its version is the module's {@code version} input. */
    public static final String ARTIFACT = "k3s";
    static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9.+_-]{1,64}");

    private final String role;
    private final String unit;

    /** @param role {@code server} or {@code agent}: k3s's subcommand */
    public K3sNode(String role, String unit) {
        this.role = role;
        this.unit = unit;
    }

    public String unit() {
        return unit;
    }

    /** The node's name in Kubernetes: the {@code nodeName} input, or the machine's host name. */
    public static String nodeName(ModuleContext context) {
        String given = context.inputs().string("nodeName").strip();
        return given.isEmpty() ? context.facts().hostname() : given;
    }

    /** The binary, the config directory and file, the unit: in that order, so a scratch root gets the files. */
    public DesiredState desiredState(Inputs inputs, String configYaml) throws ModuleException {
        String version = inputs.string("version").strip();
        String sha256 = InputChecks.sha256("sha256", inputs.string("sha256"), "the k3s binary");
        if (!VERSION.matcher(version).matches()) {
            throw new ModuleException("input 'version' must be a k3s release such as v1.31.4+k3s1, not '" + version + "'");
        }
        DesiredState state = new DesiredState();
        DirectoryResource directory = new DirectoryResource(CONFIG_DIRECTORY).mode(0755);
        state.add(directory);
        // the join token is in it: owner-only, and its diff never shown
        FileResource config = new FileResource(CONFIG).content(configYaml).sensitive().mode(0600);
        config.requires(directory.id());
        state.add(config);
        ArtifactResource binary = new ArtifactResource(BINARY, ARTIFACT, version, sha256).mode(0755);
        state.add(binary);
        state.add(new ServiceResource(unit).unitFile(unitFile()).enabled(true).running(true)
                .watches(config.id(), binary.id()).requires(config.id(), binary.id()));
        return state;
    }

    /** The unit as k3s wants it: notify when up, its containers kept on stop (KillMode=process), no limits. */
    String unitFile() {
        return new SystemdUnit("k3s " + role + " (lightweight Kubernetes)").afterNetwork()
                .service("Type", "notify")
                .service("ExecStartPre", "-/sbin/modprobe br_netfilter")
                .service("ExecStartPre", "-/sbin/modprobe overlay")
                .service("ExecStart", BINARY + " " + role)
                .service("KillMode", "process")
                .service("Delegate", "yes")
                .service("LimitNOFILE", "1048576")
                .service("LimitNPROC", "infinity")
                .service("LimitCORE", "infinity")
                .service("TasksMax", "infinity")
                .service("TimeoutStartSec", "0")
                .service("Restart", "always")
                .service("RestartSec", "5s")
                .render();
    }

    public DesiredState removal() {
        return Removal.of(unit, unitFile(), CONFIG, BINARY);
    }

    /**
     * Healthy when {@code k3s kubectl [kubectlArgs] get node NAME} lists the node with status Ready
     * (NotReady, SchedulingDisabled alone, or no such node: unhealthy, with what kubectl said).
     */
    public static Health nodeReady(ModuleContext context, String node, List<String> kubectlArgs) {
        List<String> argv = new ArrayList<>(List.of(BINARY, "kubectl"));
        argv.addAll(kubectlArgs);
        argv.addAll(List.of("get", "node", node));
        CommandResult result;
        try {
            result = context.run(argv, HEALTH_TIMEOUT);
        } catch (IOException e) {
            return Health.unhealthy("cannot run k3s kubectl: " + e.getMessage());
        }
        if (result.exitCode() != 0) {
            return Health.unhealthy("k3s kubectl get node " + node + " exited " + result.exitCode() + ": "
                    + firstLine(result.stderr()));
        }
        for (String line : result.stdout().split("\n")) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length >= 2 && columns[0].equals(node)) {
                return List.of(columns[1].split(",")).contains("Ready")
                        ? Health.healthy()
                        : Health.unhealthy("node " + node + " is " + columns[1]);
            }
        }
        return Health.unhealthy("node " + node + " is not listed by k3s kubectl get node");
    }

    private static String firstLine(String text) {
        String trimmed = text == null ? "" : text.strip();
        int end = trimmed.indexOf('\n');
        return end < 0 ? trimmed : trimmed.substring(0, end);
    }
}
