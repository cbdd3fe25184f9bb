package io.labctl.web.internal;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.access.Gate;
import io.labctl.api.audit.AuditWriter;
import io.labctl.api.web.Caller;
import io.labctl.api.web.PeerPrincipal;
import io.labctl.api.web.SocketEndpoint;
import io.labctl.api.web.SocketListener;
import io.labctl.api.web.StreamSession;
import io.labctl.protocol.Api;
import io.labctl.protocol.Names;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.access.Permission;
import io.labctl.protocol.channel.Frame;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
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
 * same identity check as REST; users' streams also pass the same {@link Gate} (which audits refusals) and are audited
 * when the endpoint opens what they run (before it starts) and when they close. An open user stream stays under that
 * decision: {@link OpenUserStreams} ends it (close code {@link Api#ACCESS_REVOKED_CLOSE}, audited as denied) once its
 * certificate is revoked or its permission withdrawn.
 */
final class SocketRoutes implements WebSocketCreator {
    private static final Logger LOG = LoggerFactory.getLogger(SocketRoutes.class);
    private static final Pattern SESSION_ID = Pattern.compile("[a-z0-9-]{1,64}");

    /** An endpoint and what it declared: its audience and, for users' streams, the permission and audit verb. */
    record Route(SocketEndpoint endpoint, String audience, Action action, String verb) {}

    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final PeerVerifier verifier;
    private final Guards guards;
    private final Unidentified unidentified;
    private final OpenUserStreams openStreams;

    SocketRoutes(PeerVerifier verifier, Guards guards, Unidentified unidentified, OpenUserStreams openStreams) {
        this.verifier = verifier;
        this.guards = guards;
        this.unidentified = unidentified;
        this.openStreams = openStreams;
    }

    static String normalise(Object path) {
        String p = path == null ? "" : path.toString().trim();
        while (p.endsWith("/") && p.length() > 1) {
            p = p.substring(0, p.length() - 1);
        }
        return p.startsWith("/") ? p : "/" + p;
    }

    /**
     * The route an endpoint's service properties declare, or null (with the reason logged) when they declare no
     * audience, or a users' stream without a valid action and verb: such an endpoint is not served.
     */
    static Route route(SocketEndpoint endpoint, Map<String, Object> properties) {
        Object audience = properties.get(SocketEndpoint.AUDIENCE_PROPERTY);
        if (SocketEndpoint.AGENTS.equals(audience)) {
            return new Route(endpoint, SocketEndpoint.AGENTS, null, null);
        }
        if (SocketEndpoint.USERS.equals(audience)) {
            Object verb = properties.get(SocketEndpoint.VERB_PROPERTY);
            try {
                Action action = Action.parse(String.valueOf(properties.get(SocketEndpoint.ACTION_PROPERTY)));
                if (verb instanceof String v && !v.isBlank()) {
                    return new Route(endpoint, SocketEndpoint.USERS, action, v);
                }
            } catch (IllegalArgumentException e) {
                LOG.error("socket endpoint {}: {}", endpoint.getClass().getName(), e.getMessage());
            }
        }
        LOG.error("socket endpoint {} declares no valid {} ({} or {} with {} and {}); it is not served",
                endpoint.getClass().getName(), SocketEndpoint.AUDIENCE_PROPERTY, SocketEndpoint.AGENTS,
                SocketEndpoint.USERS, SocketEndpoint.ACTION_PROPERTY, SocketEndpoint.VERB_PROPERTY);
        return null;
    }

    void add(String path, Route route) {
        Route previous = routes.put(path, route);
        if (previous != null && previous.endpoint() != route.endpoint()) {
            LOG.warn("two socket endpoints claim /ws{}; the newer one ({}) now takes new connections", path,
                    route.endpoint().getClass().getName());
        }
    }

    /** Only stops new upgrades: open connections belong to the endpoint's owner, which closes them itself. */
    void removeEverywhere(SocketEndpoint endpoint) {
        routes.values().removeIf(r -> r.endpoint() == endpoint);
    }

    @Override
    public Object createWebSocket(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
        String requestId = RequestIds.of(request);
        try {
            return upgrade(request, response, callback, requestId);
        } catch (ApiException e) {
            // e.g. the database is unreachable: the client gets the answer now, not a connection left hanging
            LOG.warn("WebSocket upgrade {} refused: {}", requestId, e.getMessage());
            return refuse(response, callback, e.status(), e.code(), e.getMessage(), requestId);
        }
    }

    private Object upgrade(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback,
                           String requestId) {
        String remoteAddress = Request.getRemoteAddr(request);
        EndPoint.SslSessionData tls = (EndPoint.SslSessionData) request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
        X509Certificate[] chain = tls == null ? null : tls.peerCertificates();
        PeerVerifier.Outcome outcome = verifier.verify(chain, remoteAddress);
        String path = normalise(Request.getPathInContext(request));
        if (outcome instanceof PeerVerifier.Refused refused) {
            // before the path is looked up: without an accepted certificate every path is refused alike
            unidentified.audit(refused.reason(), chain, remoteAddress, "socket.open", "/ws" + path);
            int status = refused.reason() == PeerVerifier.Refusal.NO_CERTIFICATE ? 401 : 403;
            return refuse(response, callback, status, refused.reason().code, refused.reason().message, requestId);
        }
        Route route = routes.get(path);
        if (route == null) {
            return refuse(response, callback, 404, "no_such_socket", "no WebSocket endpoint at /ws" + path
                    + " (is the capability that serves it installed?)", requestId);
        }
        PeerPrincipal peer = ((PeerVerifier.Accepted) outcome).principal();
        if (SocketEndpoint.USERS.equals(route.audience())) {
            return openUserStream(route, path, peer, request, response, callback, requestId, remoteAddress);
        }
        if (peer.identity().kind() != Identity.Kind.AGENT) {
            return refuse(response, callback, 403, "agents_only", "/ws" + path + " is for lab-agent certificates only; "
                    + peer.identity() + " cannot connect", requestId);
        }
        SocketBridge bridge = new SocketBridge(remoteAddress, Frame.MAX_FRAME);
        SocketListener listener;
        try {
            listener = route.endpoint().open(peer, bridge);
        } catch (ApiException e) {
            // the endpoint refused with its own reason (and recorded it): pass that on instead of a generic 403
            return refuse(response, callback, e.status(), e.code(), e.getMessage(), requestId);
        }
        return accept(bridge, listener, path, peer, response, callback, requestId);
    }

    /** Identity, then the declared permission on the named server, then an audit row; the same order as REST. */
    private Object openUserStream(Route route, String path, PeerPrincipal peer, ServerUpgradeRequest request,
                                  ServerUpgradeResponse response, Callback callback, String requestId, String source) {
        Identity identity = peer.identity();
        AuditWriter audit = guards.audit();
        AccessDecisions access = guards.access();
        Gate gate = guards.gate();
        if (audit == null || access == null || gate == null) {
            return refuse(response, callback, 503, audit == null ? "audit-unavailable" : "access-control-unavailable",
                    "labd refuses every request while its " + (audit == null ? "audit trail" : "access control")
                            + " is not running; an administrator must start it", requestId);
        }
        List<String> servers = Request.extractQueryParameters(request).getValues("server");
        String server = servers == null || servers.size() != 1 ? null : servers.get(0);
        String header = request.getHeaders().get(Api.SESSION_HEADER);
        String sessionId = header != null && SESSION_ID.matcher(header).matches() ? header : requestId;
        String user = EnforcementPoint.auditName(identity);
        AuditWriter.Event opening = new AuditWriter.Event(user, sessionId, source, route.verb() + ".open",
                "server/" + server);
        if (identity.kind() != Identity.Kind.USER) {
            return deny(audit, opening, response, callback, 403, "forbidden", identity.kind().unit()
                    + " certificates cannot open user streams", requestId);
        }
        if (server == null || !Names.valid(server)) {
            return refuse(response, callback, 400, "invalid-server", "name one server with ?server=NAME", requestId);
        }
        Permission wanted = access.onServer(route.action(), server);
        try {
            gate.admit(identity, wanted, opening);
        } catch (ApiException refused) {
            return refuse(response, callback, refused.status(), refused.code(), refused.getMessage(), requestId);
        }
        // the opening row waits for the endpoint to say what the stream runs (AuditedSession.open)
        List<Supplier<String>> conditions = new CopyOnWriteArrayList<>();
        AuditedSession session = new AuditedSession(new RequestCaller(peer, sessionId, access), server, audit,
                opening, new AuditWriter.Event(user, sessionId, source, route.verb() + ".close", "server/" + server),
                conditions::add);
        SocketBridge bridge = new SocketBridge(source, Frame.MAX_OPEN_FRAME);
        SocketListener listener = route.endpoint().open(session, bridge);
        if (listener == null) {
            return accept(bridge, null, path, peer, response, callback, requestId);
        }
        // watched from here until it closes: it ends as soon as the same decision would refuse it
        OpenUserStreams.Watched watched = new OpenUserStreams.Watched(identity, peer.certificate().getSerialNumber(),
                wanted, conditions, (auditDetail, clientMessage) -> {
                    session.endedByLabd(auditDetail);
                    bridge.terminate(Api.ACCESS_REVOKED_CLOSE, clientMessage);
                });
        openStreams.add(watched);
        return accept(bridge, session.wrap(listener, () -> openStreams.remove(watched)), path, peer, response,
                callback, requestId);
    }

    private Object accept(SocketBridge bridge, SocketListener listener, String path, PeerPrincipal peer,
                          ServerUpgradeResponse response, Callback callback, String requestId) {
        if (listener == null) {
            return refuse(response, callback, 403, "socket_refused", peer.identity() + " may not connect to /ws"
                    + path, requestId);
        }
        bridge.listener(listener);
        return bridge;
    }

    private static Object deny(AuditWriter audit, AuditWriter.Event event, ServerUpgradeResponse response,
                               Callback callback, int status, String code, String message, String requestId) {
        try {
            audit.record(event, AuditEntry.DENIED, 0L, message);
        } catch (RuntimeException e) {
            return auditFailed(e, response, callback, requestId);
        }
        return refuse(response, callback, status, code, message, requestId);
    }

    /** No row, no action: the audit trail's own answer (the database is unreachable) or a general 503. */
    private static Object auditFailed(RuntimeException e, ServerUpgradeResponse response, Callback callback,
                                      String requestId) {
        if (e instanceof ApiException api) {
            return refuse(response, callback, api.status(), api.code(), api.getMessage(), requestId);
        }
        return refuse(response, callback, 503, "audit-unavailable", "the audit log cannot be written; labd "
                + "refuses actions it cannot record", requestId);
    }

    private static Object refuse(ServerUpgradeResponse response, Callback callback, int status, String code,
                                 String message, String requestId) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(RequestIds.HEADER, requestId);
        response.write(true, ByteBuffer.wrap(Errors.jsonBytes(code, message, requestId)), callback);
        return null;
    }

    /**
     * A user's stream: the opening row carries what the endpoint opens, in full, before it starts; the closing row
     * what the endpoint reported and how long it lasted.
     */
    static final class AuditedSession implements StreamSession {
        private final Caller caller;
        private final String server;
        private final AuditWriter audit;
        private final AuditWriter.Event opening;
        private final long started = System.nanoTime();
        private volatile AuditWriter.Event closing;
        private volatile String result = AuditEntry.FAILED;
        private volatile String detail = "ended without an outcome";
        private volatile boolean endedByLabd;

        private final Consumer<Supplier<String>> conditions;

        AuditedSession(Caller caller, String server, AuditWriter audit, AuditWriter.Event opening,
                       AuditWriter.Event closing, Consumer<Supplier<String>> conditions) {
            this.caller = caller;
            this.server = server;
            this.audit = audit;
            this.opening = opening;
            this.closing = closing;
            this.conditions = conditions;
        }

        @Override
        public void whileAllowed(Supplier<String> condition) {
            conditions.accept(condition);
        }

        @Override
        public void open(String what, String detail) {
            describe(what);
            try {
                audit.record(new AuditWriter.Event(opening.user(), opening.sessionId(), opening.source(),
                        opening.action(), what), AuditEntry.OK, 0L, null, detail);
            } catch (ApiException e) {
                throw e; // the audit trail's own answer, e.g. that the database is unreachable
            } catch (RuntimeException e) {
                throw new ApiException(503, "audit-unavailable", "the audit log cannot be written; labd refuses "
                        + "actions it cannot record");
            }
        }

        @Override
        public Caller caller() {
            return caller;
        }

        @Override
        public String server() {
            return server;
        }

        @Override
        public void describe(String what) {
            AuditWriter.Event e = closing;
            closing = new AuditWriter.Event(e.user(), e.sessionId(), e.source(), e.action(), what);
        }

        @Override
        public synchronized void outcome(String result, String detail) {
            if (endedByLabd) {
                return;  // the endpoint only sees the socket close; why it closed is already recorded
            }
            this.result = result;
            this.detail = detail;
        }

        /** labd ends the stream because its caller's access ended: the closing row is a denial, with the reason. */
        synchronized void endedByLabd(String why) {
            this.endedByLabd = true;
            this.result = AuditEntry.DENIED;
            this.detail = why;
        }

        /** The endpoint's listener, with the closing audit row written (and {@code onEnd} run) when it closes. */
        SocketListener wrap(SocketListener inner, Runnable onEnd) {
            return new SocketListener() {
                @Override
                public void onBinary(ByteBuffer message) {
                    inner.onBinary(message);
                }

                @Override
                public void onText(String message, io.labctl.api.web.SocketConnection connection) {
                    inner.onText(message, connection);
                }

                @Override
                public void onClose(int code, String reason) {
                    try {
                        onEnd.run();
                        inner.onClose(code, reason);
                    } finally {
                        try {
                            audit.record(closing, result, (System.nanoTime() - started) / 1_000_000, detail);
                        } catch (RuntimeException e) {
                            // the stream is over; nothing is left to refuse, so say so where operators look
                            Guards.SECURITY_LOG.error("could not audit the end of {} by {}: {}", closing.resource(),
                                    closing.user(), e.getMessage());
                        }
                    }
                }
            };
        }
    }
}
