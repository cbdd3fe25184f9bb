package io.labctl.api.web;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard contract for WebSocket routes under {@code /ws}: a service of this type with the property
 * {@value #PATH_PROPERTY} (for example {@code /agent}). The web bundle completes the mutual-TLS upgrade, refuses
 * peers without a valid, unrevoked certificate from labd's CA, and hands each accepted connection to
 * {@link #open}.
 */
@ConsumerType
public interface SocketEndpoint {
    String PATH_PROPERTY = "io.labctl.socket.path";
    /**
     * Who may connect; an endpoint without it is not served. {@value #AGENTS}: lab-agent certificates only (their
     * channel carries heartbeats and replies, never a user's action by itself).
     */
    String AUDIENCE_PROPERTY = "io.labctl.socket.audience";
    String AGENTS = "agents";
    /**
     * {@value #USERS}: user certificates, each connection one stream on one server named by the query parameter
     * {@code server}; the endpoint must also declare {@value #ACTION_PROPERTY} (the permission needed on that server)
     * and {@value #VERB_PROPERTY} (the audit log's name for the session). Admission is decided and audited by the web
     * bundle; the endpoint is then called through {@link #open(StreamSession, SocketConnection)}.
     */
    String USERS = "users";
    String ACTION_PROPERTY = "io.labctl.socket.action";
    String VERB_PROPERTY = "io.labctl.socket.verb";

    /**
     * Agents' endpoints: accept or refuse a verified peer; returning null refuses the upgrade with 403, throwing an
     * {@link io.labctl.api.ApiException} refuses it with that status, code and message.
     */
    default SocketListener open(PeerPrincipal peer, SocketConnection connection) {
        return null;
    }

    /** Users' endpoints: an admitted stream session; returning null refuses the upgrade with 403. */
    default SocketListener open(StreamSession session, SocketConnection connection) {
        return null;
    }
}
