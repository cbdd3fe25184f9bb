package io.labctl.modules.internal;

import io.labctl.api.Identity;
import io.labctl.api.ServerRegistry;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.access.Decision;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The gate of a user's rollout: before each server starts, the user's access to it is decided again, as it would be
 * for a new request. Once the user may no longer do it there (the user deleted, a role unbound or changed), the
 * rollout stops; the refusal is reported for the audit log. Deny by default: without access control running, it stops.
 */
final class AccessRecheck implements Rollout.Gate {
    private final Supplier<AccessDecisions> decisions;
    private final ServerRegistry registry;
    private final Identity caller;
    private final Action needed;
    private final BiConsumer<String, String> refused;

    AccessRecheck(Supplier<AccessDecisions> decisions, ServerRegistry registry, Identity caller, Action needed,
                  BiConsumer<String, String> refused) {
        this.decisions = decisions;
        this.registry = registry;
        this.caller = caller;
        this.needed = needed;
        this.refused = refused;
    }

    @Override
    public String stopBefore(String server) {
        String why = decide(server);
        if (why != null) {
            refused.accept(server, why);
        }
        return why;
    }

    private String decide(String server) {
        AccessDecisions access = decisions.get();
        if (access == null) {
            return "access control is not running, so labd cannot re-check " + caller + "'s access; apply again once"
                    + " it runs";
        }
        Optional<ServerInfo> s = registry.find(server);
        if (s.isEmpty()) {
            return null; // deleted meanwhile: its own run finds it gone, the others go on
        }
        Permission request = Permission.on(needed, s.get().cloud(), s.get().environment(), server);
        Decision d = access.decide(caller, request);
        return d.allowed() ? null : "access withdrawn during the rollout: " + d.refusal(caller, request).getMessage();
    }
}
