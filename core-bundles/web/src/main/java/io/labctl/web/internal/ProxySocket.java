package io.labctl.web.internal;

import io.labctl.protocol.access.AuditEntry;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays one WebSocket between a client and a backend message by message, as they are: the subprotocol (Kubernetes'
 * channel protocols, port-forward's SPDY tunnel) is theirs. Both sides are Jetty sessions that read their next
 * message only when the other side has taken the last one (the callback completes when the send did), so a slow
 * reader slows the writer instead of filling labd's memory. Public only because Jetty invokes the listener methods
 * through method handles.
 */
public final class ProxySocket implements Session.Listener.AutoDemanding {
    private static final Logger LOG = LoggerFactory.getLogger(ProxySocket.class);

    private final ProxyExchange exchange;
    private final Runnable onEnd;
    private final CompletableFuture<Session> clientOpened = new CompletableFuture<>();
    private final CompletableFuture<Session> backendOpened = new CompletableFuture<>();
    /** Actions on each side in the order they were asked for (a future's own dependents run in no such order). */
    private final Ordered client = new Ordered(clientOpened);
    private final Ordered backend = new Ordered(backendOpened);
    private final AtomicBoolean ended = new AtomicBoolean();
    private final Backend backendSide = new Backend();
    private volatile String endedByLabd;

    ProxySocket(ProxyExchange exchange, Runnable onEnd) {
        this.exchange = exchange;
        this.onEnd = onEnd;
    }

    /** The listener of the backend's session. */
    Backend backendListener() {
        return backendSide;
    }

    // ---- client side

    @Override
    public void onWebSocketOpen(Session session) {
        clientOpened.complete(session);
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        backend.thenAccept(b -> b.sendBinary(payload, callback));   // Jetty demands the next frame once sent
    }

    @Override
    public void onWebSocketText(String message) {
        backend.thenAccept(b -> b.sendText(message, Callback.NOOP));
    }

    @Override
    public void onWebSocketClose(int code, String reason, Callback callback) {
        callback.succeed();
        backend.thenAccept(b -> b.close(closeCode(code), reason, Callback.NOOP));
        end(null);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        LOG.debug("proxied WebSocket client error: {}", cause.toString());
        backend.thenAccept(Session::disconnect);
        end("client error: " + cause.getMessage());
    }

    /** The backend's side: what it sends goes to the client, its close closes the client. */
    public final class Backend implements Session.Listener.AutoDemanding {
        @Override
        public void onWebSocketOpen(Session session) {
            backendOpened.complete(session);
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            client.thenAccept(c -> c.sendBinary(payload, callback));
        }

        @Override
        public void onWebSocketText(String message) {
            client.thenAccept(c -> c.sendText(message, Callback.NOOP));
        }

        @Override
        public void onWebSocketClose(int code, String reason, Callback callback) {
            callback.succeed();
            client.thenAccept(c -> c.close(closeCode(code), reason, Callback.NOOP));
            end(null);
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            LOG.debug("proxied WebSocket backend error: {}", cause.toString());
            client.thenAccept(c -> c.close(1011, "the backend connection failed", Callback.NOOP));
            end("backend error: " + cause.getMessage());
        }
    }

    // ---- labd side

    /** Ends the relay because the caller's access ended: the client hears why, the backend is cut. */
    void terminate(int code, String clientMessage, String auditDetail) {
        endedByLabd = auditDetail;
        client.thenAccept(s -> s.close(code, clientMessage, Callback.NOOP));
        backend.thenAccept(Session::disconnect);
        end(null);
    }

    private void end(String failure) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        try {
            onEnd.run();
        } finally {
            String byLabd = endedByLabd;
            if (byLabd != null) {
                exchange.finish(101, AuditEntry.DENIED, byLabd);
            } else if (failure != null) {
                exchange.finish(101, AuditEntry.FAILED, failure);
            } else {
                exchange.finish(101);
            }
        }
    }

    /** One side's session and what is to be done with it, one action after the other, once it is open. */
    private static final class Ordered {
        private CompletableFuture<Session> tail;

        Ordered(CompletableFuture<Session> opened) {
            this.tail = opened;
        }

        synchronized void thenAccept(java.util.function.Consumer<Session> action) {
            tail = tail.thenApply(s -> {
                try {
                    action.accept(s);
                } catch (RuntimeException e) {
                    LOG.debug("proxied WebSocket action failed: {}", e.toString());
                }
                return s;
            });
        }
    }

    /** Codes that may not be sent in a close frame (1005 none given, 1006 abnormal, 1015 TLS) become 1000/1011. */
    static int closeCode(int code) {
        if (code == 1005) {
            return 1000;
        }
        if (code == 1006 || code == 1015 || code < 1000 || code > 4999) {
            return 1011;
        }
        return code;
    }
}
