package io.labctl.web.internal;

import io.labctl.api.ApiException;
import io.labctl.api.web.Forward;
import io.labctl.api.web.ProxyRoute;
import io.labctl.protocol.Api;
import io.labctl.protocol.access.AuditEntry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketCreator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebSocket upgrades under {@code /proxy/NAME/}: admitted by the route as plain requests are, recorded before the
 * backend is reached (no row, no connection), then connected to the backend (Jetty's client, {@link BackendSockets})
 * with the subprotocols the client offered; the client is answered with the one the backend chose, and
 * {@link ProxySocket} relays from there.
 */
final class ProxyUpgrades implements WebSocketCreator {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyUpgrades.class);

    private final ProxyRoutes routes;
    private final BackendSockets backends;
    private final Duration connectTimeout;

    ProxyUpgrades(ProxyRoutes routes, BackendSockets backends, Duration connectTimeout) {
        this.routes = routes;
        this.backends = backends;
        this.connectTimeout = connectTimeout;
    }

    @Override
    public Object createWebSocket(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
        String requestId = RequestIds.of(request);
        ProxyRoutes.Admitted admitted;
        try {
            admitted = routes.admit(request, true);
        } catch (ProxyRoutes.Refused r) {
            return refuse(response, callback, r.route, r.status, r.code, r.getMessage(), requestId);
        }
        ProxyExchange exchange = admitted.exchange();
        try {
            exchange.opened();
        } catch (ApiException e) {
            return refuse(response, callback, admitted.route(), e.status(), e.code(), e.getMessage(), requestId);
        }
        Forward forward = admitted.forward();
        ProxySocket[] relay = new ProxySocket[1];
        OpenUserStreams.Watched watched = routes.watch(admitted, (auditDetail, clientMessage) ->
                relay[0].terminate(Api.ACCESS_REVOKED_CLOSE, clientMessage, auditDetail));
        relay[0] = new ProxySocket(exchange, () -> routes.openStreams.remove(watched));
        Session backend;
        try {
            ClientUpgradeRequest upgrade = new ClientUpgradeRequest(webSocketUri(forward.target()));
            ProxyHandler.copyRequestHeaders(exchange, forward.headers(), upgrade::setHeader);
            forward.headers().forEach(upgrade::setHeader);
            upgrade.setSubProtocols(request.getSubProtocols());
            upgrade.setTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
            backend = backends.of(forward.client()).connect(relay[0].backendListener(), upgrade)
                    .get(connectTimeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            routes.openStreams.remove(watched);
            if (e.getCause() instanceof UpgradeException refused && refused.getResponseStatusCode() > 0) {
                int status = refused.getResponseStatusCode();
                exchange.finish(status, AuditEntry.FAILED, "the backend refused the upgrade: HTTP " + status);
                return refuse(response, callback, admitted.route(), status, "backend-refused", "the backend refused"
                        + " the upgrade (HTTP " + status + ")", requestId);
            }
            exchange.finish(0, AuditEntry.FAILED, "the backend did not answer: " + e.getCause());
            return refuse(response, callback, admitted.route(), 502, "backend-unreachable", "labd could not reach the "
                    + "backend: " + e.getCause().getMessage(), requestId);
        } catch (TimeoutException e) {
            routes.openStreams.remove(watched);
            exchange.finish(0, AuditEntry.FAILED, "the backend did not answer within " + connectTimeout.toSeconds() + " s");
            return refuse(response, callback, admitted.route(), 504, "backend-timeout", "the backend did not answer "
                    + "within " + connectTimeout.toSeconds() + " s", requestId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            routes.openStreams.remove(watched);
            exchange.finish(0, AuditEntry.FAILED, "interrupted");
            return refuse(response, callback, admitted.route(), 503, "interrupted", "labd is stopping", requestId);
        } catch (Exception e) {
            routes.openStreams.remove(watched);
            LOG.warn("proxied WebSocket {} could not be set up", requestId, e);
            exchange.finish(0, AuditEntry.FAILED, "the backend connection could not be set up: " + e);
            return refuse(response, callback, admitted.route(), 502, "backend-unreachable", "labd could not connect"
                    + " to the backend: " + e.getMessage(), requestId);
        }
        String chosen = backend.getUpgradeResponse().getAcceptedSubProtocol();
        if (chosen != null && !chosen.isEmpty()) {
            response.setAcceptedSubProtocol(chosen);
        }
        LOG.debug("proxied WebSocket {} to {} ({})", requestId, forward.target().getHost(), chosen);
        return relay[0];
    }

    static URI webSocketUri(URI target) {
        String scheme = "https".equalsIgnoreCase(target.getScheme()) ? "wss" : "http".equalsIgnoreCase(target.getScheme())
                ? "ws" : target.getScheme();
        return URI.create(scheme + target.toString().substring(target.getScheme().length()));
    }

    /** The refusal as a plain answer (no upgrade): null tells Jetty that this creator answered itself. */
    private static Object refuse(ServerUpgradeResponse response, Callback callback, ProxyRoute route, int status,
                                 String code, String message, String requestId) {
        ProxyHandler.refuse(response, callback, route, status, code, message, requestId);
        return null;
    }
}
