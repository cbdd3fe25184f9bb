package io.labctl.tokens.internal;

import io.labctl.api.Identity;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.access.Decision;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import java.util.List;
import java.util.Map;

/** Access decisions from allow rules per user name (no deny rules), for the token service's per-token checks. */
record RuleAccess(Map<String, List<Permission>> allows) implements AccessDecisions {

    @Override
    public Decision decide(Identity subject, Permission request) {
        for (Permission rule : allows.getOrDefault(subject.name(), List.of())) {
            if (rule.covers(request)) {
                return Decision.allow("rule " + rule);
            }
        }
        return Decision.deny("no rule allows " + request);
    }

    @Override
    public boolean holdsAnywhere(Identity subject, Action action) {
        return allows.getOrDefault(subject.name(), List.of()).stream().anyMatch(p -> p.action().equals(action.wire()));
    }

    @Override
    public Permission onServer(Action action, String serverName) {
        throw new UnsupportedOperationException("tokens do not ask for servers");
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
