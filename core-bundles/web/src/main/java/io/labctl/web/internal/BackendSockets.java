package io.labctl.web.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty WebSocket clients towards proxy backends, one per backend client a route hands over (its TLS: the trusted CA,
 * the client certificate), all on one thread pool. The JDK's own WebSocket client cannot serve here: it refuses
 * subprotocols that are not HTTP tokens, and kubectl's port-forward asks for {@code SPDY/3.1+portforward.k8s.io}.
 */
final class BackendSockets implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackendSockets.class);
    /** Backends held at once; the least recently used one is stopped beyond that (a route made a new client). */
    static final int MAX_CLIENTS = 64;

    private final QueuedThreadPool threads = new QueuedThreadPool(64, 2);
    private final Duration idleTimeout;
    private final Duration connectTimeout;
    private final Map<java.net.http.HttpClient, WebSocketClient> clients = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<java.net.http.HttpClient, WebSocketClient> eldest) {
            if (size() > MAX_CLIENTS) {
                stop(eldest.getValue());
                return true;
            }
            return false;
        }
    };

    BackendSockets(Duration idleTimeout, Duration connectTimeout) throws Exception {
        this.idleTimeout = idleTimeout;
        this.connectTimeout = connectTimeout;
        threads.setName("labd-proxy-backend");
        threads.setDaemon(true);
        threads.start();
    }

    /** The WebSocket client with the same TLS as the route's HTTP client (made and started on first use). */
    synchronized WebSocketClient of(java.net.http.HttpClient route) throws Exception {
        WebSocketClient client = clients.get(route);
        if (client == null) {
            SslContextFactory.Client tls = new SslContextFactory.Client();
            tls.setSslContext(route.sslContext());
            tls.setEndpointIdentificationAlgorithm("HTTPS");   // the backend's certificate must name its host
            ClientConnector connector = new ClientConnector();
            connector.setSslContextFactory(tls);
            connector.setExecutor(threads);
            HttpClient http = new HttpClient(new HttpClientTransportOverHTTP(connector));
            http.setExecutor(threads);
            http.setConnectTimeout(connectTimeout.toMillis());
            client = new WebSocketClient(http);
            client.setIdleTimeout(idleTimeout);
            client.setMaxBinaryMessageSize(WebServer.MAX_PROXIED_MESSAGE_BYTES * 4L);
            client.setMaxTextMessageSize(WebServer.MAX_PROXIED_MESSAGE_BYTES);
            client.setConnectTimeout(connectTimeout.toMillis());
            client.start();
            clients.put(route, client);
        }
        return client;
    }

    @Override
    public synchronized void close() {
        clients.values().forEach(BackendSockets::stop);
        clients.clear();
        try {
            threads.stop();
        } catch (Exception e) {
            LOG.debug("stopping the proxy's backend threads: {}", e.toString());
        }
    }

    private static void stop(WebSocketClient client) {
        try {
            client.stop();
        } catch (Exception e) {
            LOG.debug("stopping a proxy backend client: {}", e.toString());
        }
    }
}
