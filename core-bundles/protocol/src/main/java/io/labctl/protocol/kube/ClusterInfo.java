package io.labctl.protocol.kube;

import io.labctl.protocol.Api;
import io.labctl.protocol.InvalidInput;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * A registered cluster as labd shows it: where its API server is, which context of the kubeconfig it came from and how
 * labd authenticates there (the kind only, never the credential). {@code reachable}, {@code version} and
 * {@code reason} are what labd saw when it asked the API server's {@code /version} just now (null when it did not ask).
 * {@code impersonation} says whom labd's proxy names to the cluster: {@code labctl:USER} (group {@code labctl:users})
 * when the kubeconfig's user may impersonate, else {@code none} (the cluster sees the kubeconfig's user).
 */
public record ClusterInfo(String name, String environment, String cloud, String server, String context, String auth,
                          Boolean reachable, String version, String reason, String addedBy, Instant addedAt,
                          String impersonation) {
    public static final String PATH = Api.ROOT + "/clusters";
    /** The last segment of a permission that names a cluster: {@code kubectl:CLOUD:ENV:cluster/NAME}. */
    public static final String RESOURCE_PREFIX = "cluster/";
    /** The user name a labctl user has on a cluster that labd impersonates them on. */
    public static final String USER_PREFIX = "labctl:";
    /** The group every labctl user is in on such a cluster: bind it to a role to let labctl's RBAC decide. */
    public static final String USERS_GROUP = "labctl:users";
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    /** The name, or InvalidInput saying what a valid one is. */
    public static String requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidInput("invalid-cluster-name", "cluster", "cluster name '" + name + "' is not valid: use 1"
                    + " to 63 lower-case letters, digits and '-', starting and ending with a letter or digit");
        }
        return name;
    }

    /** The same cluster with what labd saw at its API server just now. */
    public ClusterInfo probed(Boolean reachable, String version, String reason) {
        return new ClusterInfo(name, environment, cloud, server, context, auth, reachable, version, reason, addedBy,
                addedAt, impersonation);
    }
}
