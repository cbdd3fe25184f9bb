package io.labctl.web.internal;

import io.labctl.api.web.SocketEndpoint;
import io.labctl.api.web.SocketListener;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketCreator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket whiteboard: one creator behind {@code /ws/*} that looks the path up among the registered
 * {@link SocketEndpoint}s, so endpoints come and go without touching Jetty's mappings. Every upgrade passes the
 * same identity check as REST before the endpoint sees it.
 */
final class SocketRoutes implements WebSocketCreator {
    private static final Logger LOG = LoggerFactory.getLogger(SocketRoutes.class);

    private final Map<String, SocketEndpoint> endpoints = new ConcurrentHashMap<>();
    private final PeerVerifier verifier;

    SocketRoutes(PeerVerifier verifier) {
        this.verifier = verifier;
    }

    static String normalise(Object path) {
        String p = path == null ? "" : path.toString().trim();
        while (p.endsWith("/") && p.length() > 1) {
            p = p.substring(0, p.length() - 1);
        }
        return p.startsWith("/") ? p : "/" + p;
    }

    void add(String path, SocketEndpoint endpoint) {
        SocketEndpoint previous = endpoints.put(path, endpoint);
        if (previous != null && previous != endpoint) {
            LOG.warn("two socket endpoints claim /ws{}; the newer one ({}) now takes new connections", path,
                    endpoint.getClass().getName());
        }
    }

    /** Only stops new upgrades: open connections belong to the endpoint's owner, which closes them itself. */
    void removeEverywhere(SocketEndpoint endpoint) {
        endpoints.values().removeIf(e -> e == endpoint);
    }

    @Override
    public Object createWebSocket(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
        String requestId = RequestIds.of(request);
        String remoteAddress = Request.getRemoteAddr(request);
        EndPoint.SslSessionData tls = (EndPoint.SslSessionData) request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
        X509Certificate[] chain = tls == null ? null : tls.peerCertificates();
        PeerVerifier.Outcome outcome = verifier.verify(chain, remoteAddress);
        if (outcome instanceof PeerVerifier.Refused refused) {
            int status = refused.reason() == PeerVerifier.Refusal.NO_CERTIFICATE ? 401 : 403;
            return refuse(response, callback, status, refused.reason().code, refused.reason().message, requestId);
        }
        String path = normalise(Request.getPathInContext(request));
        SocketEndpoint endpoint = endpoints.get(path);
        if (endpoint == null) {
            return refuse(response, callback, 404, "no_such_socket", "no WebSocket endpoint at /ws" + path
                    + " (is the capability that serves it installed?)", requestId);
        }
        var peer = ((PeerVerifier.Accepted) outcome).principal();
        // every endpoint served today is for agents (WebServer refuses any other audience)
        if (peer.identity().kind() != io.labctl.api.Identity.Kind.AGENT) {
            return refuse(response, callback, 403, "agents_only", "/ws" + path + " is for lab-agent certificates only; "
                    + peer.identity() + " cannot connect", requestId);
        }
        SocketBridge bridge = new SocketBridge(remoteAddress);
        SocketListener listener;
        try {
            listener = endpoint.open(peer, bridge);
        } catch (RuntimeException e) {
            LOG.error("request {}: socket endpoint /ws{} failed to open a connection for {}", requestId, path,
                    peer.identity(), e);
            return refuse(response, callback, 500, "internal_error", "internal error in labd; give request id "
                    + requestId + " to an administrator", requestId);
        }
        if (listener == null) {
            return refuse(response, callback, 403, "socket_refused", peer.identity() + " may not connect to /ws"
                    + path, requestId);
        }
        bridge.listener(listener);
        return bridge;
    }

    private static Object refuse(ServerUpgradeResponse response, Callback callback, int status, String code,
                                 String message, String requestId) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(RequestIds.HEADER, requestId);
        response.write(true, ByteBuffer.wrap(Errors.jsonBytes(code, message, requestId)), callback);
        return null;
    }
}
