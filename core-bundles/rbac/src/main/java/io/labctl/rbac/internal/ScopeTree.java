package io.labctl.rbac.internal;

import io.labctl.protocol.access.Permission;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The rules of one action bucket as a three-level tree over cloud, environment and server. Each level has the
 * children named exactly and one child for {@code *}, so a lookup follows at most two branches per level instead
 * of scanning every rule. At the server level a cluster is {@code cluster/NAME}; {@code cluster/*} is looked up beside
 * the exact name, so it covers every cluster and no server. Immutable once built; lookups allocate nothing.
 */
final class ScopeTree {
    static final ScopeTree EMPTY = new ScopeTree(null);
    private static final String ANY = Permission.ANY;
    private static final String ANY_CLUSTER = Permission.CLUSTER + Permission.ANY;

    private final Node root;

    private ScopeTree(Node root) {
        this.root = root;
    }

    boolean isEmpty() {
        return root == null;
    }

    /** A rule that covers the whole request (a request segment {@code *} is covered only by a rule's {@code *}). */
    CompiledRule covering(String cloud, String environment, String server) {
        return root == null ? null : cover(root, 0, cloud, environment, server);
    }

    /** A rule that shares at least one concrete request with the given one. */
    CompiledRule intersecting(String cloud, String environment, String server) {
        return root == null ? null : intersect(root, 0, cloud, environment, server);
    }

    private static CompiledRule cover(Node node, int level, String cloud, String environment, String server) {
        if (level == 3) {
            return node.rule;
        }
        String segment = level == 0 ? cloud : level == 1 ? environment : server;
        if (node.exact != null && !ANY.equals(segment)) {
            Node named = node.exact.get(segment);
            if (named != null) {
                CompiledRule found = cover(named, level + 1, cloud, environment, server);
                if (found != null) {
                    return found;
                }
            }
            // cluster/* covers every cluster/NAME (and only those)
            if (level == 2 && isCluster(segment) && !ANY_CLUSTER.equals(segment)) {
                Node clusters = node.exact.get(ANY_CLUSTER);
                if (clusters != null && clusters.rule != null) {
                    return clusters.rule;
                }
            }
        }
        return node.any == null ? null : cover(node.any, level + 1, cloud, environment, server);
    }

    private static CompiledRule intersect(Node node, int level, String cloud, String environment, String server) {
        if (level == 3) {
            return node.rule;
        }
        String segment = level == 0 ? cloud : level == 1 ? environment : server;
        if (node.exact != null) {
            if (ANY.equals(segment)) {
                // "all of them" touches every named child
                for (Node named : node.children) {
                    CompiledRule found = intersect(named, level + 1, cloud, environment, server);
                    if (found != null) {
                        return found;
                    }
                }
            } else if (level == 2 && ANY_CLUSTER.equals(segment)) {
                // "every cluster" touches each cluster/NAME and cluster/* itself
                for (Map.Entry<String, Node> e : node.exact.entrySet()) {
                    if (isCluster(e.getKey()) && e.getValue().rule != null) {
                        return e.getValue().rule;
                    }
                }
            } else {
                Node named = node.exact.get(segment);
                if (named != null) {
                    CompiledRule found = intersect(named, level + 1, cloud, environment, server);
                    if (found != null) {
                        return found;
                    }
                }
                if (level == 2 && isCluster(segment)) {
                    Node clusters = node.exact.get(ANY_CLUSTER);
                    if (clusters != null && clusters.rule != null) {
                        return clusters.rule;
                    }
                }
            }
        }
        return node.any == null ? null : intersect(node.any, level + 1, cloud, environment, server);
    }

    private static boolean isCluster(String segment) {
        return segment.startsWith(Permission.CLUSTER);
    }

    private static final class Node {
        final Map<String, Node> exact;
        final Node[] children;
        final Node any;
        final CompiledRule rule;

        Node(Map<String, Node> exact, Node any, CompiledRule rule) {
            this.exact = exact;
            this.children = exact == null ? new Node[0] : exact.values().toArray(new Node[0]);
            this.any = any;
            this.rule = rule;
        }
    }

    /** Collects rules; the first rule added for a pattern is the one a decision names. */
    static final class Builder {
        private final Draft root = new Draft();
        private boolean empty = true;

        Builder add(CompiledRule rule) {
            Permission p = rule.pattern();
            Draft leaf = root.child(p.cloud()).child(p.environment()).child(p.server());
            if (leaf.rule == null) {
                leaf.rule = rule;
            }
            empty = false;
            return this;
        }

        ScopeTree build() {
            return empty ? EMPTY : new ScopeTree(root.freeze());
        }
    }

    private static final class Draft {
        final Map<String, Draft> exact = new LinkedHashMap<>();
        Draft any;
        CompiledRule rule;

        Draft child(String segment) {
            if (ANY.equals(segment)) {
                if (any == null) {
                    any = new Draft();
                }
                return any;
            }
            return exact.computeIfAbsent(segment, s -> new Draft());
        }

        Node freeze() {
            Map<String, Node> frozen = null;
            if (!exact.isEmpty()) {
                frozen = new LinkedHashMap<>(exact.size() * 2);
                for (Map.Entry<String, Draft> e : exact.entrySet()) {
                    frozen.put(e.getKey(), e.getValue().freeze());
                }
            }
            return new Node(frozen, any == null ? null : any.freeze(), rule);
        }
    }
}
