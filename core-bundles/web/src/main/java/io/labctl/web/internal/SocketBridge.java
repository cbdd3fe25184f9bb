package io.labctl.web.internal;

import io.labctl.api.web.SocketConnection;
import io.labctl.api.web.SocketListener;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapts one Jetty WebSocket session to the library-neutral {@link SocketConnection}/{@link SocketListener}.
 * It exists before the upgrade completes (the endpoint accepts or refuses first), so sends and closes issued
 * that early wait for the session. Public only because Jetty invokes the listener methods through method handles.
 */
public final class SocketBridge implements Session.Listener.AutoDemanding, SocketConnection {
    private static final Logger LOG = LoggerFactory.getLogger(SocketBridge.class);

    private final String remoteAddress;
    private final int maxMessageBytes;
    private final CompletableFuture<Session> opened = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile SocketListener listener;
    /** Probes waiting for their pong, by the number the ping carried (a late pong must not answer a newer probe). */
    private final Map<Long, CompletableFuture<Void>> probes = new ConcurrentHashMap<>();
    private final AtomicLong lastProbe = new AtomicLong();

    /** maxMessageBytes: the largest binary message this peer may send (at most the container's limit). */
    SocketBridge(String remoteAddress, int maxMessageBytes) {
        this.remoteAddress = remoteAddress;
        this.maxMessageBytes = maxMessageBytes;
    }

    void listener(SocketListener listener) {
        this.listener = listener;
    }

    // ---- Jetty side

    @Override
    public void onWebSocketOpen(Session session) {
        session.setMaxBinaryMessageSize(maxMessageBytes);
        session.setMaxFrameSize(maxMessageBytes);
        opened.complete(session);
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        if (closed.get()) {
            callback.succeed();  // ended by labd: what the client still sends has nowhere to go
            return;
        }
        // Jetty recycles the buffer once the callback completes: hand the listener its own copy
        ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload).flip();
        try {
            listener.onBinary(copy);
        } catch (RuntimeException e) {
            LOG.warn("socket listener for {} failed on a binary message; closing", remoteAddress, e);
            close(1011, "internal error");
        } finally {
            // completing demands the next message: only after the listener returned, so calls never overlap
            callback.succeed();
        }
    }

    @Override
    public void onWebSocketText(String message) {
        if (closed.get()) {
            return;
        }
        try {
            listener.onText(message, this);
        } catch (RuntimeException e) {
            LOG.warn("socket listener for {} failed on a text message; closing", remoteAddress, e);
            close(1011, "internal error");
        }
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        if (payload != null && payload.remaining() == Long.BYTES) {
            CompletableFuture<Void> probe = probes.remove(payload.getLong(payload.position()));
            if (probe != null) {
                probe.complete(null);
            }
        }
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        // Jetty closes the session after an error (1009 too big, 1002 protocol ...) and then reports the close
        LOG.debug("WebSocket error from {}: {}", remoteAddress, cause.toString());
    }

    @Override
    public void onWebSocketClose(int code, String reason, Callback callback) {
        try {
            probes.values().forEach(p -> p.completeExceptionally(new IllegalStateException("connection closed")));
            probes.clear();
            if (closed.compareAndSet(false, true)) {
                SocketListener l = listener;
                if (l != null) {
                    l.onClose(code, reason);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("socket listener for {} failed on close", remoteAddress, e);
        } finally {
            callback.succeed();
        }
    }

    // ---- endpoint side

    @Override
    public CompletableFuture<Void> send(ByteBuffer message) {
        return opened.thenCompose(session -> {
            Callback.Completable sent = new Callback.Completable();
            session.sendBinary(message, sent);
            return sent;
        });
    }

    @Override
    public CompletableFuture<Void> probe() {
        if (!isOpen()) {
            return CompletableFuture.failedFuture(new IllegalStateException("connection closed"));
        }
        long id = lastProbe.incrementAndGet();
        CompletableFuture<Void> pong = new CompletableFuture<>();
        probes.put(id, pong);
        pong.whenComplete((r, e) -> probes.remove(id));
        opened.thenAccept(session -> {
            Callback.Completable sent = new Callback.Completable();
            session.sendPing(ByteBuffer.allocate(Long.BYTES).putLong(0, id), sent);
            sent.whenComplete((r, e) -> {
                if (e != null) {
                    pong.completeExceptionally(e);
                }
            });
        });
        return pong;
    }

    @Override
    public void close(int code, String reason) {
        opened.thenAccept(session -> session.close(code, reason, Callback.NOOP));
    }

    /**
     * Ends the connection from labd's side: the client gets the close frame with the code and reason, and the
     * listener hears the close at once, so the work behind it stops now whether or not the client answers.
     */
    void terminate(int code, String reason) {
        boolean first = closed.compareAndSet(false, true);
        close(code, reason);
        SocketListener l = listener;
        if (first && l != null) {
            try {
                l.onClose(code, reason);
            } catch (RuntimeException e) {
                LOG.warn("socket listener for {} failed on close", remoteAddress, e);
            }
        }
    }

    @Override
    public boolean isOpen() {
        if (closed.get()) {
            return false;
        }
        Session session = opened.getNow(null);
        return session == null || session.isOpen(); // not yet open counts as open: the upgrade is under way
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }
}
