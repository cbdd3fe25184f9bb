package io.labctl.web.internal;

import io.labctl.protocol.access.AuditEntry;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays one WebSocket between a client (Jetty's side) and a backend (the JDK's client) message by message, as they
 * are: the subprotocol (Kubernetes' channel protocols, port-forward's tunnel) is theirs. Each side reads its next
 * binary message only when the other side has taken the last one (Jetty demands the next frame when the callback
 * completes; the JDK's client is asked for one message at a time), so a slow reader slows the writer instead of
 * filling labd's memory. Public only because Jetty invokes the listener methods through method handles.
 */
public final class ProxySocket implements Session.Listener.AutoDemanding, WebSocket.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(ProxySocket.class);

    private final ProxyExchange exchange;
    private final Runnable onEnd;
    private final CompletableFuture<Session> client = new CompletableFuture<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile WebSocket backend;
    private volatile String endedByLabd;

    ProxySocket(ProxyExchange exchange, Runnable onEnd) {
        this.exchange = exchange;
        this.onEnd = onEnd;
    }

    /** The backend's side, once connected: messages start to flow when the client's side is open too. */
    void backend(WebSocket socket) {
        this.backend = socket;
    }

    // ---- client (Jetty) side

    @Override
    public void onWebSocketOpen(Session session) {
        client.complete(session);
        backend.request(1);
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        // Jetty recycles the buffer once the callback completes: the backend gets its own copy
        ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload).flip();
        backend.sendBinary(copy, true).whenComplete((ws, e) -> {
            if (e == null) {
                callback.succeed();   // Jetty then demands the next frame
            } else {
                callback.fail(e);
                backendFailed(e);
            }
        });
    }

    @Override
    public void onWebSocketText(String message) {
        backend.sendText(message, true).whenComplete((ws, e) -> {
            if (e != null) {
                backendFailed(e);
            }
        });
    }

    @Override
    public void onWebSocketClose(int code, String reason, Callback callback) {
        callback.succeed();
        if (!backend.isOutputClosed()) {
            backend.sendClose(closeCode(code), reason == null ? "" : reason);
        }
        end(null);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        LOG.debug("proxied WebSocket client error: {}", cause.toString());
        backend.abort();
        end("client error: " + cause.getMessage());
    }

    private void backendFailed(Throwable e) {
        client.thenAccept(s -> s.close(1011, "the backend connection failed", Callback.NOOP));
        end("backend send failed: " + e.getMessage());
    }

    // ---- backend (JDK) side

    @Override
    public void onOpen(WebSocket webSocket) {
        // nothing is requested until the client's side is open (onWebSocketOpen)
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
        client.thenAccept(s -> s.sendPartialBinary(copy, last, Callback.from(() -> webSocket.request(1), this::clientFailed)));
        return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        String text = data.toString();
        client.thenAccept(s -> s.sendPartialText(text, last, Callback.from(() -> webSocket.request(1), this::clientFailed)));
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        client.thenAccept(s -> s.close(closeCode(statusCode), reason, Callback.NOOP));
        end(null);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        LOG.debug("proxied WebSocket backend error: {}", error.toString());
        client.thenAccept(s -> s.close(1011, "the backend connection failed", Callback.NOOP));
        end("backend error: " + error.getMessage());
    }

    private void clientFailed(Throwable e) {
        WebSocket ws = backend;
        if (ws != null) {
            ws.abort();
        }
        end("client send failed: " + e.getMessage());
    }

    // ---- labd side

    /** Ends the relay because the caller's access ended: the client hears why, the backend is cut. */
    void terminate(int code, String clientMessage, String auditDetail) {
        endedByLabd = auditDetail;
        client.thenAccept(s -> s.close(code, clientMessage, Callback.NOOP));
        WebSocket ws = backend;
        if (ws != null) {
            ws.abort();
        }
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
