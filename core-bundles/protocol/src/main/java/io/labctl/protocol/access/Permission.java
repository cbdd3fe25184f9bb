package io.labctl.protocol.access;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A permission pattern {@code action:cloud:environment:server}; each segment is a name or {@code *} (any). The last
 * segment names a server, or a Kubernetes cluster as {@code cluster/NAME} ({@code cluster/*}: every cluster of the
 * scope), so a rule for a server never grants a cluster of the same name; {@code *} there covers both. The same
 * type describes a request: there a segment is concrete, or {@code *} meaning "all of them" (listing every server,
 * minting a token valid for any environment).
 *
 * <p>An empty segment stands for a value the server record lacks (a server enrolled without a cloud): only
 * {@code *} matches it. Parsing never yields one.
 */
public record Permission(String action, String cloud, String environment, String server) {
    public static final String ANY = "*";
    private static final Pattern SEGMENT = Pattern.compile("\\*|[a-z0-9]([a-z0-9._-]{0,251}[a-z0-9])?");
    /** The last segment names a server, or a Kubernetes cluster as {@code cluster/NAME}; {@code cluster/*}: every cluster. */
    public static final String CLUSTER = "cluster/";
    private static final String ANY_CLUSTER = CLUSTER + ANY;
    private static final Pattern CLUSTER_SEGMENT = Pattern.compile("cluster/(\\*|[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)");

    public Permission {
        Objects.requireNonNull(action, "action");
        cloud = cloud == null ? "" : cloud;
        environment = environment == null ? "" : environment;
        server = server == null ? "" : server;
    }

    /** A request for one action on one concrete server; null cloud or environment become the empty segment. */
    public static Permission on(Action action, String cloud, String environment, String server) {
        return new Permission(action.wire(), cloud, environment, server);
    }

    /** A request for one action on everything ({@code action:*:*:*}). */
    public static Permission everywhere(Action action) {
        return new Permission(action.wire(), ANY, ANY, ANY);
    }

    /**
     * Parses {@code action:cloud:environment:server}. The action is one of {@link Action} or {@code *}; the other
     * segments are lower-case names or {@code *}. Throws with a message that shows the expected shape.
     */
    public static Permission parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty permission: write action:cloud:environment:server, e.g. exec:baremetal:lab:*");
        }
        String[] parts = text.strip().split(":", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("permission '" + text + "' has " + parts.length
                    + " segment(s); write action:cloud:environment:server, e.g. exec:baremetal:lab:* or read:*:*:*");
        }
        String action = parts[0].toLowerCase();
        if (!ANY.equals(action)) {
            Action.parse(action);
        }
        String[] names = {"cloud", "environment", "server"};
        for (int i = 1; i < 4; i++) {
            if (i == 3 && parts[i].startsWith(CLUSTER)) {
                if (!CLUSTER_SEGMENT.matcher(parts[i]).matches()) {
                    throw new IllegalArgumentException("permission '" + text + "': cluster segment '" + parts[i]
                            + "' must be cluster/* or cluster/NAME (lower-case letters, digits and '-')");
                }
                continue;
            }
            if (!SEGMENT.matcher(parts[i]).matches()) {
                throw new IllegalArgumentException("permission '" + text + "': " + names[i - 1] + " segment '" + parts[i]
                        + "' must be * or a lower-case name (letters, digits, '.', '_', '-')");
            }
        }
        return new Permission(action, parts[1], parts[2], parts[3]);
    }

    public boolean anyAction() {
        return ANY.equals(action);
    }

    /** The action, or null for {@code *}. */
    public Action actionOrNull() {
        return anyAction() ? null : Action.parse(action);
    }

    /** Every request this pattern describes is also described by this one (segment by segment: * or equal). */
    public boolean covers(Permission request) {
        return segmentCovers(action, request.action) && segmentCovers(cloud, request.cloud)
                && segmentCovers(environment, request.environment) && segmentCovers(server, request.server);
    }

    /** Some request is described by both patterns (segment by segment: either is * or they are equal). */
    public boolean intersects(Permission other) {
        return segmentIntersects(action, other.action) && segmentIntersects(cloud, other.cloud)
                && segmentIntersects(environment, other.environment) && segmentIntersects(server, other.server);
    }

    /** The same pattern with another action (admin's implication: admin:X grants *:X). */
    public Permission withAction(String newAction) {
        return new Permission(newAction, cloud, environment, server);
    }

    private static boolean segmentCovers(String pattern, String value) {
        return ANY.equals(pattern) || pattern.equals(value) || (ANY_CLUSTER.equals(pattern) && value.startsWith(CLUSTER));
    }

    private static boolean segmentIntersects(String a, String b) {
        return ANY.equals(a) || ANY.equals(b) || a.equals(b) || (ANY_CLUSTER.equals(a) && b.startsWith(CLUSTER))
                || (ANY_CLUSTER.equals(b) && a.startsWith(CLUSTER));
    }

    @Override
    public String toString() {
        return action + ":" + cloud + ":" + environment + ":" + server;
    }
}
