package io.labctl.api.web;

/**
 * Whiteboard contract for WebSocket routes under {@code /ws}: a service of this type with the property
 * {@value #PATH_PROPERTY} (for example {@code /agent}). The web bundle completes the mutual-TLS upgrade, refuses
 * peers without a valid, unrevoked certificate from labd's CA, and hands each accepted connection to
 * {@link #open}.
 */
public interface SocketEndpoint {
    String PATH_PROPERTY = "io.labctl.socket.path";
    /**
     * Who may connect; an endpoint without it is not served. {@value #AGENTS}: lab-agent certificates only (their
     * channel carries heartbeats and replies, never a user's action by itself).
     */
    String AUDIENCE_PROPERTY = "io.labctl.socket.audience";
    String AGENTS = "agents";

    /** Accept or refuse a verified peer; returning null refuses the upgrade with 403. */
    SocketListener open(PeerPrincipal peer, SocketConnection connection);
}
