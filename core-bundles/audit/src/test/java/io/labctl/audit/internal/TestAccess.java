package io.labctl.audit.internal;

import io.labctl.api.Identity;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.access.Decision;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import java.util.List;

/** Access decisions for the audit tests: {@link #AUDITOR} may do anything, everyone else nothing. */
final class TestAccess implements AccessDecisions {
    static final Identity AUDITOR = new Identity(Identity.Kind.USER, "auditor");
    static final TestAccess INSTANCE = new TestAccess();

    @Override
    public Decision decide(Identity subject, Permission request) {
        return AUDITOR.equals(subject) ? Decision.allow("auditor") : Decision.deny("no role of " + subject + " allows it");
    }

    @Override
    public boolean holdsAnywhere(Identity subject, Action action) {
        return AUDITOR.equals(subject);
    }

    @Override
    public Permission onServer(Action action, String serverName) {
        return Permission.on(action, null, null, serverName);
    }

    @Override
    public List<String> logPathsOf(Identity subject) {
        return List.of();
    }

    @Override
    public List<String> rolesOf(Identity subject) {
        return List.of();
    }
}
