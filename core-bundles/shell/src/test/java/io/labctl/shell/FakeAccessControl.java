package io.labctl.shell;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.ServerRegistry;
import io.labctl.api.access.AccessAdministration;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.access.Decision;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test double of {@link AccessDecisions} and {@link AccessAdministration}: in-memory allow and deny rules per user name. Simplified semantics: deny
 * wins when it intersects the request with the same action (or *); allow admin on a scope covers every action there.
 * Records every decision and administration call so tests can see what a command asked.
 */
public final class FakeAccessControl implements AccessDecisions, AccessAdministration {
    private final Map<String, List<Permission>> allows = new HashMap<>();
    private final Map<String, List<Permission>> denies = new HashMap<>();
    private final Map<String, String[]> serverScopes = new HashMap<>();
    private ServerRegistry registry;
    public final List<Permission> decided = new java.util.concurrent.CopyOnWriteArrayList<>();
    public final List<String> calls = new ArrayList<>();
    public final List<UserInfo> users = new ArrayList<>();
    public final List<RoleInfo> roles = new ArrayList<>();

    public FakeAccessControl allow(String user, String... permissions) {
        for (String p : permissions) {
            allows.computeIfAbsent(user, u -> new ArrayList<>()).add(Permission.parse(p));
        }
        return this;
    }

    public FakeAccessControl deny(String user, String... permissions) {
        for (String p : permissions) {
            denies.computeIfAbsent(user, u -> new ArrayList<>()).add(Permission.parse(p));
        }
        return this;
    }

    /** The cloud and environment onServer reads from a server's record. */
    public FakeAccessControl server(String name, String cloud, String environment) {
        serverScopes.put(name, new String[] {cloud, environment});
        return this;
    }

    /** onServer reads the scope of servers not given by {@link #server} from the registry (as labd does). */
    public FakeAccessControl serversOf(ServerRegistry registry) {
        this.registry = registry;
        return this;
    }

    @Override
    public Decision decide(Identity subject, Permission request) {
        decided.add(request);
        if (subject.kind() != Identity.Kind.USER) {
            return Decision.deny("only users hold roles");
        }
        for (Permission d : denies.getOrDefault(subject.name(), List.of())) {
            if ((d.anyAction() || d.action().equals(request.action())) && d.intersects(request)) {
                return Decision.deny("denied by " + d);
            }
        }
        for (Permission a : allows.getOrDefault(subject.name(), List.of())) {
            if (a.covers(request) || (Action.ADMIN.wire().equals(a.action())
                    && a.withAction(Permission.ANY).covers(request))) {
                return Decision.allow("allowed by " + a);
            }
        }
        return Decision.deny("no rule allows " + request);
    }

    @Override
    public boolean holdsAnywhere(Identity subject, Action action) {
        return allows.getOrDefault(subject.name(), List.of()).stream()
                .anyMatch(a -> a.anyAction() || a.action().equals(action.wire()) || a.action().equals("admin"));
    }

    @Override
    public Permission onServer(Action action, String serverName) {
        String[] scope = serverScopes.get(serverName);
        if (scope == null && registry != null) {
            scope = registry.find(serverName).map(s -> new String[] {s.cloud(), s.environment()}).orElse(null);
        }
        if (scope == null) {
            throw ApiException.notFound("server-not-found", "no server named " + serverName);
        }
        return Permission.on(action, scope[0], scope[1], serverName);
    }

    @Override
    public List<UserInfo> users(Identity caller) {
        return users;
    }

    @Override
    public UserDetail describeUser(Identity caller, String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public IssuedUser createUser(Identity caller, String name, Duration certificateValidity, String serverUrl) {
        throw new UnsupportedOperationException();
    }

    @Override
    public java.security.cert.X509Certificate renewUser(Identity caller, String csrPem, Duration validity) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void deleteUser(Identity caller, String name) {
        calls.add(caller + " deleteUser " + name);
    }

    @Override
    public List<RoleInfo> roles(Identity caller) {
        return roles;
    }

    @Override
    public RoleInfo createRole(Identity caller, RoleSpec spec) {
        calls.add(caller + " createRole " + spec.name());
        RoleInfo r = new RoleInfo(spec.name(), spec.description(), spec.allow(), spec.deny(), List.of(), false,
                Instant.EPOCH);
        roles.add(r);
        return r;
    }

    @Override
    public void deleteRole(Identity caller, String name) {
        calls.add(caller + " deleteRole " + name);
    }

    @Override
    public void bind(Identity caller, String role, String user) {
        calls.add(caller + " bind " + role + " " + user);
    }

    @Override
    public void unbind(Identity caller, String role, String user) {
        calls.add(caller + " unbind " + role + " " + user);
    }

    @Override
    public List<EffectiveRule> permissions(Identity caller) {
        return List.of();
    }

    @Override
    public AccessReviewResult review(Identity caller, Action action, Permission request, String asUser) {
        Identity who = asUser == null ? caller : new Identity(Identity.Kind.USER, asUser);
        Decision d = decide(who, request);
        return new AccessReviewResult(d.allowed(), who.name(), request.toString(), d.reason());
    }

    @Override
    public List<String> logPathsOf(Identity subject) {
        return List.of("/var/log/**");
    }

    @Override
    public List<String> rolesOf(Identity subject) {
        return List.of();
    }
}
