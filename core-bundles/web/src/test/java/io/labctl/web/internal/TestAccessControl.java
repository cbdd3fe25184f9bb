package io.labctl.web.internal;

import io.labctl.api.AccessControl;
import io.labctl.api.Identity;
import io.labctl.protocol.access.AccessReviewResult;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.EffectiveRule;
import io.labctl.protocol.access.IssuedUser;
import io.labctl.protocol.access.Permission;
import io.labctl.protocol.access.RoleInfo;
import io.labctl.protocol.access.RoleSpec;
import io.labctl.protocol.access.UserDetail;
import io.labctl.protocol.access.UserInfo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test double of the access-control service: allow rules per user name, no deny rules, servers all in cloud "lab"
 * and environment "test". The real engine (bundle io.labctl.rbac) is tested on its own and end to end.
 */
final class TestAccessControl implements AccessControl {
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

    private static UnsupportedOperationException notHere() {
        return new UnsupportedOperationException("administration is not part of this test double");
    }

    @Override public List<UserInfo> users() { throw notHere(); }
    @Override public UserDetail describeUser(String name) { throw notHere(); }
    @Override public IssuedUser createUser(Identity caller, String name, Duration validity, String url) { throw notHere(); }
    @Override public void deleteUser(Identity caller, String name) { throw notHere(); }
    @Override public java.security.cert.X509Certificate renewUser(Identity caller, String csrPem, Duration validity) { throw notHere(); }
    @Override public List<RoleInfo> roles() { throw notHere(); }
    @Override public RoleInfo createRole(Identity caller, RoleSpec spec) { throw notHere(); }
    @Override public void deleteRole(Identity caller, String name) { throw notHere(); }
    @Override public void bind(Identity caller, String role, String user) { throw notHere(); }
    @Override public void unbind(Identity caller, String role, String user) { throw notHere(); }
    @Override public List<EffectiveRule> permissions() { throw notHere(); }
    @Override public AccessReviewResult review(Identity c, Action a, Permission r, String as) { throw notHere(); }
    @Override public List<String> rolesOf(Identity subject) { return List.of(); }
    @Override public List<String> logPathsOf(Identity subject) { return List.of("/var/log/**"); }
}
