package io.labctl.agent.core.internal;

import io.labctl.protocol.channel.Frame;
import io.labctl.protocol.channel.ProtocolException;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One live WebSocket to labd: reassembles and decodes labd's frames for the dispatcher, and sends the agent's
 * frames one after another (java.net.http allows only one outstanding send). Ends exactly once; {@link #ended()}
 * says how.
 */
final class AgentSession implements WebSocket.Listener, FrameSink {
    static final int NORMAL = WebSocket.NORMAL_CLOSURE;
    static final int POLICY_VIOLATION = 1008;
    /**
     * The close code the agent sends when labd breaks the channel protocol. RFC 6455 has 1002 for this, but
     * java.net.http lets a client send only 1000, 1001, 1008, 1011 and 3000-4999 (it throws on 1002), so the agent
     * uses 1008, the RFC's generic "message violates policy", with a reason that starts "protocol error:".
     */
    static final int PROTOCOL_ERROR_CLOSE = POLICY_VIOLATION;
    /** No close code: the connection failed or was cut. */
    static final int NO_CODE = -1;

    /** How the session ended: labd's close code and reason, or a failure. */
    record Ended(int code, String reason) {}

    private final StreamDispatcher dispatcher;
    /** labd's OPEN (an exec's argument vector) may be larger than other frames; Frame.decode holds each type to its own limit. */
    private final FrameAssembler assembler = new FrameAssembler(Frame.MAX_OPEN_FRAME);
    private final CompletableFuture<Ended> ended = new CompletableFuture<>();
    private volatile WebSocket socket;
    private volatile long lastHeardNanos = System.nanoTime();
    private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);

    AgentSession(HandlerRegistry handlers, Executor streamThreads) {
        this.dispatcher = new StreamDispatcher(handlers, this, streamThreads);
    }

    CompletableFuture<Ended> ended() {
        return ended;
    }

    StreamDispatcher dispatcher() {
        return dispatcher;
    }

    /** Nanoseconds since labd was last heard from (any message, ping or pong). */
    long silentNanos() {
        return System.nanoTime() - lastHeardNanos;
    }

    @Override
    public CompletableFuture<Void> send(Frame frame) {
        return enqueue(ws -> ws.sendBinary(frame.encode(), true));
    }

    CompletableFuture<Void> ping() {
        return enqueue(ws -> ws.sendPing(ByteBuffer.allocate(0)));
    }

    private synchronized CompletableFuture<Void> enqueue(java.util.function.Function<WebSocket, CompletableFuture<WebSocket>> op) {
        WebSocket ws = socket;
        if (ws == null || ended.isDone()) {
            return CompletableFuture.failedFuture(new java.io.IOException("not connected to labd"));
        }
        CompletableFuture<Void> next = sending.handle((r, e) -> null)
                .thenCompose(ignored -> ended.isDone()
                        ? CompletableFuture.failedFuture(new java.io.IOException("connection to labd ended"))
                        : op.apply(ws))
                .thenApply(w -> (Void) null);
        next.whenComplete((r, e) -> {
            if (e != null && !ended.isDone()) {
                abort("sending to labd failed: " + Failures.describe(e));
            }
        });
        sending = next;
        return next;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        lastHeardNanos = System.nanoTime();
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        lastHeardNanos = System.nanoTime();
        try {
            ByteBuffer message = assembler.append(data, last);
            if (message != null) {
                dispatcher.onFrame(Frame.decode(message));
            }
        } catch (ProtocolException e) {
            protocolViolation(e.getMessage());
            return null;
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        protocolViolation("labd sent a text message; the agent channel carries binary frames only");
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        lastHeardNanos = System.nanoTime();
        webSocket.request(1); // java.net.http answers the ping with a pong itself
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        lastHeardNanos = System.nanoTime();
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        finish(new Ended(statusCode, reason == null ? "" : reason));
        return null; // java.net.http then answers the close itself
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        finish(new Ended(NO_CODE, Failures.describe(error)));
    }

    /** Closes politely (close frame), and cuts the connection if labd does not answer within 5 seconds. */
    void close(int code, String reason) {
        finish(new Ended(code, reason));
        sendCloseThenCut(code, reason);
    }

    /** Cuts the connection at once. */
    void abort(String reason) {
        finish(new Ended(NO_CODE, reason));
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
    }

    private void protocolViolation(String message) {
        finish(new Ended(NO_CODE, "labd broke the channel protocol: " + message));
        sendCloseThenCut(PROTOCOL_ERROR_CLOSE, "protocol error: " + message);
    }

    /** Sends a close frame and gives labd 5 seconds to answer it before cutting the connection (aborting at once
     *  could drop the close frame unsent). */
    private void sendCloseThenCut(int code, String reason) {
        WebSocket ws = socket;
        if (ws != null) {
            ws.sendClose(code, closeReason(reason));
            CompletableFuture.delayedExecutor(5, TimeUnit.SECONDS).execute(ws::abort);
        }
    }

    private void finish(Ended how) {
        if (ended.complete(how)) {
            dispatcher.abortAll("the connection to labd ended (" + how.reason() + ")");
        }
    }

    /** A close reason must fit in 123 bytes of UTF-8. */
    static String closeReason(String reason) {
        String r = reason == null ? "" : reason;
        while (r.getBytes(StandardCharsets.UTF_8).length > 123) {
            r = r.substring(0, r.length() - 1);
        }
        return r;
    }
}
