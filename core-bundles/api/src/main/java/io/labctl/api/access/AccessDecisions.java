package io.labctl.api.access;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.protocol.Names;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Role-based access decisions. Explicit deny beats any allow; no matching allow means deny; allow {@code admin} on a
 * scope implies every action there. Only user identities hold roles: agents and labd instances are never allowed
 * anything here. Decisions come from an in-memory snapshot of the rules, so open streams re-decide with them cheaply.
 * Who holds which role is changed through {@link AccessAdministration}.
 */
@ProviderType
public interface AccessDecisions {

    /**
     * Decides a request. Its segments are concrete, or {@code *} for "all of them": then it is allowed only if an
     * allow rule covers the whole of it and no deny rule touches any part of it.
     */
    Decision decide(Identity subject, Permission request);

    /** True if some allow rule of the subject grants the action somewhere (the gate of routes that filter per item). */
    boolean holdsAnywhere(Identity subject, Action action);

    /** The request for an action on a server, with cloud and environment from its record (never from the caller). */
    Permission onServer(Action action, String serverName);

    /**
     * The request a can-i resource names: {@code server/NAME} (scope from the server's record), a scope
     * {@code cloud:environment:server} (each a name or *), or {@code *} for everywhere. 400 for anything else.
     */
    default Permission resolve(Action action, String resource) {
        String r = resource == null ? "" : resource.strip();
        if (Permission.ANY.equals(r)) {
            return Permission.everywhere(action);
        }
        if (r.startsWith("server/")) {
            String name = r.substring("server/".length());
            if (!Names.valid(name)) {
                throw ApiException.badRequest("invalid-resource", "'" + name + "' is not a server name; " + RESOURCE_SHAPES);
            }
            return onServer(action, name);
        }
        if (r.split(":", -1).length != 3) {
            throw ApiException.badRequest("invalid-resource", "resource '" + r + "' is not valid; " + RESOURCE_SHAPES);
        }
        try {
            return Permission.parse(action.wire() + ":" + r);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-resource", e.getMessage());
        }
    }

    /**
     * The decisions a capability holds (an optional reference), or the 503 it answers while access control is not
     * running: without it nobody is allowed anything (fail closed).
     */
    static AccessDecisions present(AccessDecisions decisions) {
        if (decisions == null) {
            throw ApiException.unavailable("access-control-unavailable", "access control is not running, so labd "
                    + "refuses every request; an administrator must start it (feature:install labd-rbac)");
        }
        return decisions;
    }

    String RESOURCE_SHAPES = "use server/NAME, a scope cloud:environment:server (each a name or *), or *";

    /**
     * Like {@link #decide} but throws 403 with a message naming what is missing (no audit row: for checks inside
     * work whose row is written around it; refusals at the door go through {@link Gate}).
     */
    default void require(Identity subject, Permission request) {
        Decision d = decide(subject, request);
        if (!d.allowed()) {
            throw d.refusal(subject, request);
        }
    }

    /** Like {@link #holdsAnywhere} but throws 403 naming the action when no rule allows it anywhere. */
    default void requireSomewhere(Identity subject, Action action) {
        if (!holdsAnywhere(subject, action)) {
            throw Decision.refusalAnywhere(subject, action);
        }
    }

    /**
     * The path globs a user may follow with {@code labctl logs --file}: the union over its roles of each role's own
     * globs, or labd's default for roles that set none. Empty for unknown users and non-users.
     */
    List<String> logPathsOf(Identity subject);

    /** Names of the roles bound to a user (empty for unknown users and non-users). */
    List<String> rolesOf(Identity subject);
}
