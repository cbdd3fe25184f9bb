package io.labctl.api.web;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.protocol.access.Permission;
import java.security.Principal;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The verified caller of a request, as the enforcement point hands it to resource methods (the request's
 * principal). Per-item checks go through it, so they use the same decision and the same audit as the gate.
 */
@ProviderType
public interface Caller extends Principal {

    PeerPrincipal peer();

    default Identity identity() {
        return peer().identity();
    }

    /** The CLI invocation this request belongs to (a short id the CLI sends), or the request id. */
    String sessionId();

    boolean may(Permission request);

    /** Throws 403 naming what is missing unless {@link #may}. */
    void require(Permission request);

    /** Request for an action on a server, with its cloud and environment from the server's record. */
    Permission onServer(io.labctl.protocol.access.Action action, String serverName);

    @Override
    default String getName() {
        return identity().toString();
    }

    /** The caller behind a request's principal ({@code securityContext.getUserPrincipal()}). */
    static Caller of(Principal principal) {
        if (principal instanceof Caller caller) {
            return caller;
        }
        throw ApiException.unauthorized("no-caller", "this request has no verified caller");
    }
}
