package io.labctl.api.access;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;

/**
 * The outcome of an access decision and, for operators and the audit log, which rule decided it (never a secret).
 * denyingRole is set when a deny rule of that role decided: then no further role can help, only a change to that one.
 */
public record Decision(boolean allowed, String reason, String denyingRole) {
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

    /**
     * The 403 for a refused request, naming what is missing and the remedy. The one wording of every refusal by an
     * access decision, whichever front end (REST, WebSocket, shell) or service asked.
     */
    public ApiException refusal(Identity subject, Permission request) {
        return ApiException.forbidden("forbidden", subject + " may not " + request.action() + " on "
                + request.cloud() + ":" + request.environment() + ":" + request.server() + ": " + reason
                + "; " + remedy(request));
    }

    /** The 403 for an action that no rule of the subject allows anywhere (routes that filter per item). */
    public static ApiException refusalAnywhere(Identity subject, Action action) {
        return ApiException.forbidden("forbidden", subject + " may not " + action + " anywhere (no rule allows it); "
                + "ask an admin for a role that allows " + action + " where you need it");
    }
}
