package io.labctl.web.internal;

import io.labctl.api.access.AccessDecisions;
import io.labctl.api.web.Caller;
import io.labctl.api.web.PeerPrincipal;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;

/** The verified caller of one request, bound to the access-control service that admitted it. */
record RequestCaller(PeerPrincipal peer, String sessionId, AccessDecisions access) implements Caller {
    @Override
    public boolean may(Permission request) {
        return access.decide(peer.identity(), request).allowed();
    }

    @Override
    public void require(Permission request) {
        access.require(peer.identity(), request);
    }

    @Override
    public Permission onServer(Action action, String serverName) {
        return access.onServer(action, serverName);
    }

    @Override
    public String getName() {
        return peer.getName();
    }
}
