package io.labctl.api.testing;

import io.labctl.api.Identity;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.access.Decision;
import io.labctl.api.web.Caller;
import io.labctl.api.web.PeerPrincipal;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Access decisions for capability tests: allow rules per identity, matched with the real permission grammar
 * ({@link Permission#covers}, admin implying every action); nothing else is allowed. Servers are all in
 * {@code baremetal:lab}. {@link #caller} gives the {@link Caller} a REST method would get.
 */
public final class RuleBook implements AccessDecisions {
    private final Map<Identity, List<Permission>> allowed = new ConcurrentHashMap<>();

    public RuleBook allow(Identity who, String rule) {
        allowed.merge(who, List.of(Permission.parse(rule)), (a, b) -> Stream.concat(a.stream(), b.stream()).toList());
        return this;
    }

    @Override
    public Decision decide(Identity subject, Permission request) {
        for (Permission p : allowed.getOrDefault(subject, List.of())) {
            if (p.covers(request) || "admin".equals(p.action()) && p.withAction(request.action()).covers(request)) {
                return Decision.allow(p.toString());
            }
        }
        return Decision.deny("no rule of " + subject.name() + " allows " + request);
    }

    @Override
    public boolean holdsAnywhere(Identity subject, Action action) {
        return allowed.getOrDefault(subject, List.of()).stream()
                .anyMatch(p -> p.anyAction() || "admin".equals(p.action()) || action.wire().equals(p.action()));
    }

    @Override
    public Permission onServer(Action action, String serverName) {
        return Permission.on(action, "baremetal", "lab", serverName);
    }

    @Override
    public List<String> logPathsOf(Identity subject) {
        return List.of();
    }

    @Override
    public List<String> rolesOf(Identity subject) {
        return List.of();
    }

    /** The caller a REST method gets for this identity, deciding with these rules. */
    public Caller caller(Identity who) {
        RuleBook rules = this;
        return new Caller() {
            @Override
            public PeerPrincipal peer() {
                return new PeerPrincipal(who, null, "127.0.0.1");
            }

            @Override
            public String sessionId() {
                return "test-session";
            }

            @Override
            public boolean may(Permission request) {
                return rules.decide(who, request).allowed();
            }

            @Override
            public void require(Permission request) {
                rules.require(who, request);
            }

            @Override
            public Permission onServer(Action action, String serverName) {
                return rules.onServer(action, serverName);
            }
        };
    }
}
