package io.labctl.cli.render;

import io.labctl.protocol.kube.ClusterInfo;
import java.time.Instant;
import java.util.List;

/** Kubernetes clusters as the CLI shows them: never a credential (labd sends none), only how labd authenticates. */
public final class ClusterPrinter {
    private ClusterPrinter() {}

    public static String table(List<ClusterInfo> clusters, boolean wide, Instant now) {
        if (clusters.isEmpty()) {
            return "No clusters. Add one with 'labctl clusters add NAME --kubeconfig PATH --env ENV'.\n";
        }
        Table t = wide ? new Table("NAME", "ENV", "CLOUD", "API-SERVER", "VERSION", "REACHABLE", "AGE", "CONTEXT", "AUTH",
                "ADDED-BY", "REASON") : new Table("NAME", "ENV", "CLOUD", "API-SERVER", "VERSION", "REACHABLE", "AGE");
        for (ClusterInfo c : clusters) {
            String version = c.version() == null ? "-" : c.version();
            if (wide) {
                t.row(c.name(), c.environment(), c.cloud(), c.server(), version, reachable(c), Times.age(c.addedAt(), now),
                        c.context(), c.auth(), c.addedBy(), c.reason() == null ? "-" : c.reason());
            } else {
                t.row(c.name(), c.environment(), c.cloud(), c.server(), version, reachable(c), Times.age(c.addedAt(), now));
            }
        }
        return t.render();
    }

    public static String describe(ClusterInfo c, Instant now) {
        Block b = new Block();
        b.put("Name", c.name());
        b.put("Environment", c.environment());
        b.put("Cloud", c.cloud());
        b.put("API Server", c.server());
        b.put("Version", c.version());
        b.put("Reachable", reachable(c) + (c.reason() == null ? "" : ": " + c.reason()));
        b.put("Context", c.context());
        b.put("Authentication", c.auth() + " (sealed in labd; never shown)");
        if (c.impersonation() != null) {
            b.put("Impersonation", c.impersonation());
        }
        b.put("Added", Times.stampRelative(c.addedAt(), now) + " by " + c.addedBy());
        return b.render();
    }

    /** yes, no, or unknown when labd did not ask (added with --no-verify). */
    static String reachable(ClusterInfo c) {
        return c.reachable() == null ? "unknown" : c.reachable() ? "yes" : "no";
    }
}
