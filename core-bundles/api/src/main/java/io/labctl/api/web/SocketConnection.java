package io.labctl.api.web;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.osgi.annotation.versioning.ProviderType;

/** The sending side of one WebSocket connection, independent of the HTTP library underneath. */
@ProviderType
public interface SocketConnection {
    /** Sends one binary message; the future completes when it was written. */
    CompletableFuture<Void> send(ByteBuffer message);

    /** Closes with a WebSocket status code (1000 normal, 1002 protocol error, 1008 policy, 1009 too big). */
    void close(int code, String reason);

    boolean isOpen();

    String remoteAddress();

    /**
     * Sends a WebSocket ping; the future completes when the peer's pong to that very ping arrives (a peer's
     * WebSocket stack answers pings by itself, so this proves the connection carries traffic both ways). It
     * never times out by itself: the caller bounds the wait. The default cannot probe and fails at once.
     */
    default CompletableFuture<Void> probe() {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("this connection cannot be probed"));
    }
}
