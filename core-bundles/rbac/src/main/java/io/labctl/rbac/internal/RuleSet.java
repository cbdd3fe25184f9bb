package io.labctl.rbac.internal;

import io.labctl.api.Identity;
import io.labctl.api.access.Decision;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of who may do what: every user's rules, compiled per action into {@link ScopeTree}s. The
 * service swaps whole snapshots atomically; deciding reads one and allocates nothing on the usual paths.
 */
final class RuleSet {
    /** A role's rules as stored: allow and deny patterns. */
    record RoleRules(String name, List<Permission> allow, List<Permission> deny, List<String> logPaths) {
        RoleRules {
            allow = List.copyOf(allow);
            deny = List.copyOf(deny);
            logPaths = logPaths == null || logPaths.isEmpty() ? null : List.copyOf(logPaths);
        }

        RoleRules(String name, List<Permission> allow, List<Permission> deny) {
            this(name, allow, deny, null);
        }
    }

    private static final Action[] ACTIONS = Action.values();
    private static final String[] WIRE = new String[ACTIONS.length];
    /** Bucket of requests whose action is {@code *} ("every action"). */
    private static final int EVERY_ACTION = ACTIONS.length;
    private static final int BUCKETS = ACTIONS.length + 1;

    static {
        for (int i = 0; i < ACTIONS.length; i++) {
            WIRE[i] = ACTIONS[i].wire();
        }
    }

    private static final Decision AGENTS_DENIED = Decision.deny(
            "agent identities hold no roles: only users are allowed anything here");
    private static final Decision LABD_DENIED = Decision.deny(
            "labd instance identities hold no roles: only users are allowed anything here");
    private static final Decision NO_SUBJECT = Decision.deny("no verified caller");
    private static final Decision UNKNOWN_ACTION = Decision.deny("unknown action: use one of " + Action.names());

    static final RuleSet EMPTY = new RuleSet(0, Map.of(), Map.of());

    private final long generation;
    private final Map<String, Grants> users;
    private final Map<String, RoleRules> roles;

    private RuleSet(long generation, Map<String, Grants> users, Map<String, RoleRules> roles) {
        this.generation = generation;
        this.users = users;
        this.roles = roles;
    }

    long generation() {
        return generation;
    }

    /** Compiles the bindings (user to role names) over the roles; users with the same roles share one compilation. */
    static RuleSet compile(long generation, Map<String, List<String>> bindings, Map<String, RoleRules> roles) {
        Map<List<String>, Grants> byRoleSet = new HashMap<>();
        Map<String, Grants> users = new HashMap<>(bindings.size() * 2);
        for (Map.Entry<String, List<String>> e : bindings.entrySet()) {
            List<String> names = e.getValue().stream().filter(roles::containsKey).distinct().sorted().toList();
            users.put(e.getKey(), byRoleSet.computeIfAbsent(names, n -> Grants.of(n, roles)));
        }
        return new RuleSet(generation, users, Map.copyOf(roles));
    }

    /** The union of the user's roles' log paths, each role without its own contributing the defaults. */
    List<String> logPathsOf(String user, List<String> defaults) {
        List<String> names = rolesOf(user);
        if (names == null) {
            return List.of();
        }
        java.util.LinkedHashSet<String> paths = new java.util.LinkedHashSet<>();
        for (String name : names) {
            RoleRules role = roles.get(name);
            paths.addAll(role == null || role.logPaths() == null ? defaults : role.logPaths());
        }
        return List.copyOf(paths);
    }

    Decision decide(Identity subject, Permission request) {
        if (subject == null || request == null) {
            return NO_SUBJECT;
        }
        if (subject.kind() != Identity.Kind.USER) {
            return subject.kind() == Identity.Kind.AGENT ? AGENTS_DENIED : LABD_DENIED;
        }
        Grants grants = users.get(subject.name());
        if (grants == null) {
            return Decision.deny("no labctl user named " + subject.name() + ": it was deleted, or was never created");
        }
        int bucket = bucket(request.action());
        if (bucket < 0) {
            return UNKNOWN_ACTION;
        }
        return grants.decide(bucket, request.cloud(), request.environment(), request.server());
    }

    /** Some allow rule grants the action (by name, {@code *} or admin) somewhere; denies are not considered. */
    boolean holdsAnywhere(Identity subject, Action action) {
        if (subject == null || action == null || subject.kind() != Identity.Kind.USER) {
            return false;
        }
        Grants grants = users.get(subject.name());
        return grants != null && !grants.allow[action.ordinal()].isEmpty();
    }

    /** Role names bound to a user, sorted; null for a user this snapshot does not know. */
    List<String> rolesOf(String user) {
        Grants grants = user == null ? null : users.get(user);
        return grants == null ? null : grants.roles;
    }

    private static int bucket(String action) {
        if (Permission.ANY.equals(action)) {
            return EVERY_ACTION;
        }
        for (int i = 0; i < WIRE.length; i++) {
            if (WIRE[i].equals(action)) {
                return i;
            }
        }
        return -1;
    }

    /** The compiled rules of one set of roles. */
    private static final class Grants {
        final List<String> roles;
        final ScopeTree[] allow;
        final ScopeTree[] deny;
        final Decision[] none;

        private Grants(List<String> roles, ScopeTree[] allow, ScopeTree[] deny, Decision[] none) {
            this.roles = roles;
            this.allow = allow;
            this.deny = deny;
            this.none = none;
        }

        static Grants of(List<String> roleNames, Map<String, RoleRules> roles) {
            ScopeTree.Builder[] allow = builders();
            ScopeTree.Builder[] deny = builders();
            for (String name : roleNames) {
                RoleRules role = roles.get(name);
                for (Permission p : role.allow()) {
                    CompiledRule rule = CompiledRule.allow(p, name);
                    String action = rule.pattern().action();
                    if (Permission.ANY.equals(action)) {
                        for (ScopeTree.Builder b : allow) {
                            b.add(rule);
                        }
                    } else {
                        int i = bucket(action);
                        if (i >= 0) {
                            // an allow for one action never covers "every action"
                            allow[i].add(rule);
                        }
                    }
                }
                for (Permission p : role.deny()) {
                    CompiledRule rule = CompiledRule.deny(p, name);
                    String action = rule.pattern().action();
                    if (Permission.ANY.equals(action)) {
                        for (ScopeTree.Builder b : deny) {
                            b.add(rule);
                        }
                    } else {
                        int i = bucket(action);
                        if (i >= 0) {
                            // a deny of one action touches "every action" too
                            deny[i].add(rule);
                            deny[EVERY_ACTION].add(rule);
                        }
                    }
                }
            }
            String held = roleNames.isEmpty() ? "none" : String.join(", ", roleNames);
            Decision[] none = new Decision[BUCKETS];
            for (int i = 0; i < BUCKETS; i++) {
                String what = i == EVERY_ACTION ? "every action" : WIRE[i];
                none[i] = Decision.deny("no rule allows " + what + " there, roles: " + held);
            }
            return new Grants(List.copyOf(roleNames), build(allow), build(deny), none);
        }

        Decision decide(int bucket, String cloud, String environment, String server) {
            CompiledRule denied = deny[bucket].intersecting(cloud, environment, server);
            if (denied != null) {
                return denied.decision();
            }
            CompiledRule allowed = allow[bucket].covering(cloud, environment, server);
            return allowed != null ? allowed.decision() : none[bucket];
        }

        private static ScopeTree.Builder[] builders() {
            ScopeTree.Builder[] b = new ScopeTree.Builder[BUCKETS];
            for (int i = 0; i < BUCKETS; i++) {
                b[i] = new ScopeTree.Builder();
            }
            return b;
        }

        private static ScopeTree[] build(ScopeTree.Builder[] builders) {
            List<ScopeTree> out = new ArrayList<>(builders.length);
            for (ScopeTree.Builder b : builders) {
                out.add(b.build());
            }
            return out.toArray(new ScopeTree[0]);
        }
    }
}
