package io.labctl.web.internal;

import io.labctl.api.Identity;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.access.Decision;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test double of the access decisions: allow rules per user name, no deny rules, servers all in cloud "lab"
 * and environment "test". The real engine (bundle io.labctl.rbac) is tested on its own and end to end.
 */
final class TestAccessControl implements AccessDecisions {
    final Map<String, List<Permission>> allows = new ConcurrentHashMap<>();

    TestAccessControl() {
        allows.put("admin", List.of(Permission.parse("*:*:*:*")));
    }

    @Override
    public Decision decide(Identity subject, Permission request) {
        if (subject.kind() != Identity.Kind.USER) {
            return Decision.deny("not a user");
        }
        for (Permission p : allows.getOrDefault(subject.name(), List.of())) {
            if (p.covers(request)) {
                return Decision.allow("rule " + p);
            }
        }
        return Decision.deny("no rule allows " + request);
    }

    @Override
    public boolean holdsAnywhere(Identity subject, Action action) {
        return allows.getOrDefault(subject.name(), List.of()).stream()
                .anyMatch(p -> p.anyAction() || p.action().equals(action.wire()));
    }

    @Override
    public Permission onServer(Action action, String serverName) {
        return Permission.on(action, "lab", "test", serverName);
    }

    @Override public List<String> rolesOf(Identity subject) { return List.of(); }
    @Override public List<String> logPathsOf(Identity subject) { return List.of("/var/log/**"); }
}
