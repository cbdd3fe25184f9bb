package io.labctl.web.internal;

import io.labctl.api.web.Forward;
import io.labctl.api.web.ProxyRoute;
import io.labctl.protocol.access.AuditEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards plain requests under {@code /proxy/NAME/} to where their route sends them, streaming both ways: each
 * chunk of the answer is written to the client as it arrives, so a watch or a log follow is as live through labd as
 * it is direct. The request body is bounded; the answer is not (a follow has no end), but it is ended as soon as the
 * caller's access ends.
 */
final class ProxyHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyHandler.class);
    /** Kubernetes takes request bodies up to 3 MiB; a bit over that is room enough for any backend of ours. */
    static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
    /** Hop-by-hop headers, labd's own (the caller's credentials to labd), and those the JDK's client sets itself. */
    static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "trailers", "transfer-encoding", "upgrade",
            "host", "content-length", "expect", "authorization", "cookie", "x-labctl-session", "http2-settings");
    private static final Set<String> NOT_RETURNED = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-connection", "te", "trailer", "trailers", "transfer-encoding", "upgrade", ":status");

    private final ProxyRoutes routes;
    private final Duration idleTimeout;

    ProxyHandler(ProxyRoutes routes, Duration idleTimeout) {
        this.routes = routes;
        this.idleTimeout = idleTimeout;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String requestId = RequestIds.of(request);
        ProxyRoutes.Admitted admitted;
        try {
            if (request.getHeaders().contains(HttpHeader.UPGRADE)) {
                // a WebSocket upgrade is taken before this handler; anything else (SPDY) labd does not relay
                String kind = request.getHeaders().get(HttpHeader.UPGRADE);
                admitted = routes.admit(request, true);
                admitted.exchange().finish(400, AuditEntry.FAILED, "upgrade to " + kind + " is not relayed");
                throw new ProxyRoutes.Refused(400, "upgrade-not-relayed", "labd relays WebSocket upgrades only, not "
                        + kind + "; use a client that speaks WebSocket (kubectl 1.30 or newer does)", admitted.route());
            }
            admitted = routes.admit(request, false);
        } catch (ProxyRoutes.Refused r) {
            refuse(response, callback, r.route, r.status, r.code, r.getMessage(), requestId);
            return true;
        }
        ProxyExchange exchange = admitted.exchange();
        byte[] body;
        try {
            body = Content.Source.asInputStream(request).readNBytes(MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            exchange.finish(0, AuditEntry.FAILED, "reading the request body failed: " + e.getMessage());
            callback.failed(e);
            return true;
        }
        if (body.length > MAX_BODY_BYTES) {
            exchange.finish(413, AuditEntry.FAILED, "request body over " + MAX_BODY_BYTES + " bytes");
            refuse(response, callback, admitted.route(), 413, "body-too-large", "the request body is over "
                    + MAX_BODY_BYTES / (1024 * 1024) + " MiB, more than labd forwards", requestId);
            return true;
        }
        forward(request, response, callback, admitted, body, requestId);
        return true;
    }

    private void forward(Request request, Response response, Callback callback, ProxyRoutes.Admitted admitted,
                         byte[] body, String requestId) {
        ProxyExchange exchange = admitted.exchange();
        Forward forward = admitted.forward();
        HttpRequest.Builder upstream = HttpRequest.newBuilder(forward.target())
                .method(request.getMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        copyRequestHeaders(exchange, forward.headers(), upstream::header);
        forward.headers().forEach(upstream::setHeader);

        AtomicReference<InputStream> answer = new AtomicReference<>();
        AtomicReference<String> endedBy = new AtomicReference<>();
        OpenUserStreams.Watched watched = routes.watch(admitted, (auditDetail, clientMessage) -> {
            endedBy.set(auditDetail);
            InputStream in = answer.get();
            try {
                if (in != null) {
                    in.close();   // the copy loop below then fails and the client's connection is cut
                }
            } catch (IOException ignored) {
                // closing is all we want
            }
        });
        int status = 0;
        try {
            HttpResponse<InputStream> reply = forward.client().send(upstream.build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            status = reply.statusCode();
            answer.set(reply.body());
            if (endedBy.get() != null) {
                reply.body().close();
                throw new IOException(endedBy.get());
            }
            // a watch or a follow may be silent for minutes: the connection's idle limit must not end it
            request.getConnectionMetaData().getConnection().getEndPoint().setIdleTimeout(idleTimeout.toMillis());
            response.setStatus(status);
            reply.headers().map().forEach((name, values) -> {
                if (!NOT_RETURNED.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(v -> response.getHeaders().add(name, v));
                }
            });
            try (InputStream in = reply.body()) {
                OutputStream out = Content.Sink.asOutputStream(response);
                byte[] buffer = new byte[16 * 1024];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (n > 0) {
                        out.write(buffer, 0, n);   // written through at once: a watch event is not held back
                    }
                    if (endedBy.get() != null) {
                        throw new IOException(endedBy.get());
                    }
                }
                out.close();
            }
            exchange.finish(status);
            callback.succeeded();
        } catch (IOException e) {
            String why = endedBy.get();
            if (why != null) {
                exchange.finish(status, AuditEntry.DENIED, why);
                callback.failed(new IOException(why));
            } else if (!response.isCommitted()) {
                LOG.debug("proxied request {} failed before an answer: {}", requestId, e.toString());
                exchange.finish(0, AuditEntry.FAILED, "the backend did not answer: " + e.getMessage());
                refuse(response, callback, admitted.route(), 502, "backend-unreachable", "labd could not reach the "
                        + "backend: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()),
                        requestId);
            } else {
                // the client went away, or the backend broke off mid-answer
                exchange.finish(status, AuditEntry.FAILED, "cut off: " + e.getMessage());
                callback.failed(e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.finish(status, AuditEntry.FAILED, "interrupted");
            callback.failed(e);
        } catch (RuntimeException e) {
            LOG.warn("proxied request {} failed", requestId, e);
            exchange.finish(status, AuditEntry.FAILED, e.toString());
            if (response.isCommitted()) {
                callback.failed(e);
            } else {
                refuse(response, callback, admitted.route(), 502, "proxy-failed", "labd could not forward the "
                        + "request: " + e.getMessage(), requestId);
            }
        } finally {
            routes.openStreams.remove(watched);
        }
    }

    /** The caller's end-to-end headers, less hop-by-hop ones, those the route sets and those named in Connection. */
    static void copyRequestHeaders(ProxyExchange exchange, Map<String, String> routeHeaders,
                                   BiConsumer<String, String> into) {
        Set<String> connectionNamed = new java.util.HashSet<>();
        for (String v : exchange.header("Connection")) {
            for (String token : v.split(",")) {
                connectionNamed.add(token.trim().toLowerCase(Locale.ROOT));
            }
        }
        Set<String> set = new java.util.HashSet<>();
        routeHeaders.keySet().forEach(k -> set.add(k.toLowerCase(Locale.ROOT)));
        for (String name : exchange.headerNames()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (NOT_FORWARDED.contains(lower) || connectionNamed.contains(lower) || set.contains(lower)
                    || lower.startsWith("sec-websocket-")) {
                continue;
            }
            for (String value : exchange.header(name)) {
                try {
                    into.accept(name, value);
                } catch (IllegalArgumentException restricted) {
                    // one the JDK's client sets itself (Date, Via ...): the backend gets the client's own value
                }
            }
        }
    }

    static void refuse(Response response, Callback callback, ProxyRoute route, int status, String code,
                       String message, String requestId) {
        ProxyRoute.Error error = ProxyRoutes.error(route, status, code, message, requestId);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, error.contentType());
        response.getHeaders().put(RequestIds.HEADER, requestId);
        response.write(true, ByteBuffer.wrap(error.body()), callback);
    }
}
