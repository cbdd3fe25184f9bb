package io.labctl.api;

import io.labctl.protocol.access.AccessReviewResult;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.IssuedUser;
import io.labctl.protocol.access.Permission;
import io.labctl.protocol.access.RoleInfo;
import io.labctl.protocol.access.RoleSpec;
import io.labctl.protocol.access.UserDetail;
import io.labctl.protocol.access.UserInfo;
import io.labctl.protocol.access.EffectiveRule;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Role-based access control: decisions, and the administration of users, roles and bindings. Explicit deny beats
 * any allow; no matching allow means deny; allow {@code admin} on a scope implies every action there. Only user
 * identities hold roles: agents and labd instances are never allowed anything here.
 */
@ProviderType
public interface AccessControl {

    /**
     * The outcome and, for operators and the audit log, which rule decided it (never a secret). denyingRole is set
     * when a deny rule of that role decided: then no further role can help, only a change to that one.
     */
    record Decision(boolean allowed, String reason, String denyingRole) {
        public Decision(boolean allowed, String reason) {
            this(allowed, reason, null);
        }

        public static Decision allow(String reason) {
            return new Decision(true, reason);
        }

        /** Refused because no rule allows it. */
        public static Decision deny(String reason) {
            return new Decision(false, reason);
        }

        /** Refused by a deny rule of a role: no allow rule of any role can outweigh it. */
        public static Decision deniedBy(String role, String rule) {
            return new Decision(false, "the deny rule " + rule + " of role " + role + " refuses it", role);
        }

        /**
         * What the refused user can do about it, for the end of a message: ask for a role that allows the request,
         * unless a deny rule decided, which only an admin who can change the role that holds it can lift.
         */
        public String remedy(Object request) {
            return denyingRole != null
                    ? "another role cannot allow it: only an admin who can change role " + denyingRole + " can help"
                    : "ask an admin for a role that allows " + request;
        }
    }

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
            if (!io.labctl.protocol.Names.valid(name)) {
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

    String RESOURCE_SHAPES = "use server/NAME, a scope cloud:environment:server (each a name or *), or *";

    /** Like {@link #decide} but throws 403 with a message naming what is missing. */
    default void require(Identity subject, Permission request) {
        Decision d = decide(subject, request);
        if (!d.allowed()) {
            throw ApiException.forbidden("forbidden", subject + " may not " + request.action() + " on "
                    + request.cloud() + ":" + request.environment() + ":" + request.server() + ": " + d.reason()
                    + "; " + d.remedy(request));
        }
    }

    // ---- administration: every call checks the caller itself (manage on the scope, no escalation, no self-change)

    List<UserInfo> users();

    UserDetail describeUser(String name);

    /** Creates a user and a client certificate with a fresh key pair that is returned, never stored. */
    IssuedUser createUser(Identity caller, String name, Duration certificateValidity, String serverUrl);

    /**
     * Renews the calling user's own certificate over the CSR's new key, valid for the given time (at most a
     * year). Refused for anyone but an existing user; a concurrent deletion either waits for the renewal and
     * revokes the new certificate too, or wins and the renewal is refused.
     */
    X509Certificate renewUser(Identity caller, String csrPem, Duration validity);

    /** Deletes a user, its bindings, and revokes its certificates (live connections are cut). */
    void deleteUser(Identity caller, String name);

    List<RoleInfo> roles();

    RoleInfo createRole(Identity caller, RoleSpec spec);

    void deleteRole(Identity caller, String name);

    void bind(Identity caller, String role, String user);

    void unbind(Identity caller, String role, String user);

    /** Every rule of every role. */
    List<EffectiveRule> permissions();

    /** Answers can-i for the caller or, if asUser is set (needs admin everywhere), for another user. */
    AccessReviewResult review(Identity caller, Action action, Permission request, String asUser);

    /**
     * The path globs a user may follow with {@code labctl logs --file}: the union over its roles of each role's own
     * globs, or labd's default for roles that set none. Empty for unknown users and non-users.
     */
    List<String> logPathsOf(Identity subject);

    /** Names of the roles bound to a user (empty for unknown users and non-users). */
    List<String> rolesOf(Identity subject);
}
