package io.labctl.rbac.internal;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.access.Decision;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;

/**
 * The rules that keep administration from widening anyone's access beyond what the caller may give, in one place:
 * manage on a rule's scope to change who holds it, no granting of what one does not hold (unless admin there), only
 * an admin of its scope lifts a deny, and nobody changes their own user or bindings.
 */
final class Escalation {
    private static final Permission ADMIN_EVERYWHERE = Permission.everywhere(Action.ADMIN);
    private static final Permission READ_EVERYWHERE = Permission.everywhere(Action.READ);

    private final AccessDecisions decisions;

    Escalation(AccessDecisions decisions) {
        this.decisions = decisions;
    }

    /** Listing users, roles and rules shows every scope: read everywhere. */
    void requireReadEverywhere(Identity caller) {
        decisions.require(caller, READ_EVERYWHERE);
    }

    /** Creating and deleting users, checking another user's access, setting log paths. */
    void requireAdminEverywhere(Identity caller, String doing) {
        Decision d = decisions.decide(caller, ADMIN_EVERYWHERE);
        if (!d.allowed()) {
            throw ApiException.forbidden("forbidden", doing + " needs admin:*:*:*, which " + caller
                    + " does not hold (" + d.reason() + "); ask an admin");
        }
    }

    /** Changing who holds a rule needs manage on the rule's scope. */
    void requireManage(Identity caller, Permission rule, String doing) {
        Permission scope = rule.withAction(Action.MANAGE.wire());
        Decision d = decisions.decide(caller, scope);
        if (!d.allowed()) {
            throw ApiException.forbidden("forbidden", doing + " needs " + scope + " for its rule " + rule + ", which "
                    + caller + " does not hold (" + d.reason() + "); ask an admin");
        }
    }

    /** No escalation: grant only what you are allowed yourself, unless you hold admin on the rule's scope. */
    void requireGrantable(Identity caller, Permission rule) {
        Permission admin = rule.withAction(Action.ADMIN.wire());
        if (decisions.decide(caller, rule).allowed() || decisions.decide(caller, admin).allowed()) {
            return;
        }
        throw ApiException.forbidden("escalation", "cannot grant " + rule + ": you do not hold it (nor admin on "
                + admin + "); ask someone who does");
    }

    /** Removing a deny widens access, which only an admin of its scope may do. */
    void requireAdminOnDenied(Identity caller, Permission deny, String doing) {
        Permission scope = deny.withAction(Action.ADMIN.wire());
        Decision d = decisions.decide(caller, scope);
        if (!d.allowed()) {
            throw ApiException.forbidden("escalation", doing + " lifts deny " + deny + ", which needs " + scope
                    + "; " + caller + " does not hold it (" + d.reason() + "); ask an admin");
        }
    }

    /** Nobody changes their own user or bindings: remedy says whom to ask instead. */
    void refuseSelfChange(Identity caller, String user, String remedy) {
        if (isSelf(caller, user)) {
            throw ApiException.forbidden("self-change", remedy);
        }
    }

    static boolean isSelf(Identity caller, String name) {
        return caller != null && caller.kind() == Identity.Kind.USER && caller.name().equals(name);
    }
}
