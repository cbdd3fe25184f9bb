package io.labctl.gateway.internal;

import io.labctl.api.ServerRegistry;
import io.labctl.api.web.PeerPrincipal;
import io.labctl.api.web.SocketConnection;
import io.labctl.api.web.SocketListener;
import io.labctl.protocol.HostFacts;
import io.labctl.protocol.channel.CloseCodes;
import io.labctl.protocol.channel.Frame;
import io.labctl.protocol.channel.FrameType;
import io.labctl.protocol.channel.Heartbeat;
import io.labctl.protocol.channel.ProtocolException;
import io.labctl.protocol.channel.StreamClose;
import io.labctl.protocol.channel.StreamError;
import io.labctl.protocol.channel.StreamOpen;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One agent's connection: the first frame must be HELLO, then heartbeats; a broken rule ends the connection. */
final class AgentSession implements SocketListener {
    private static final Logger LOG = LoggerFactory.getLogger(AgentSession.class);
    static final int PROTOCOL_ERROR = 1002;
    static final int POLICY_VIOLATION = 1008;

    private final String name;
    private final PeerPrincipal peer;
    private final SocketConnection connection;
    private final ServerRegistry registry;
    /** Called once when the connection ends; true when this was still the agent's current connection. */
    private final BooleanSupplier onEnd;
    private final Instant openedAt = Instant.now();
    private volatile boolean greeted;
    private final AtomicInteger lastStream = new AtomicInteger();
    private final Map<Integer, StreamSink> calls = new ConcurrentHashMap<>();
    private CompletableFuture<Void> probing;
    private long probedAt;

    AgentSession(PeerPrincipal peer, SocketConnection connection, ServerRegistry registry, BooleanSupplier onEnd) {
        this.name = peer.identity().name();
        this.peer = peer;
        this.connection = connection;
        this.registry = registry;
        this.onEnd = onEnd;
    }

    String name() {
        return name;
    }

    BigInteger serial() {
        return peer.certificate().getSerialNumber();
    }

    /** The name the audit log knows this peer by ("agent/NAME"). */
    String identityName() {
        return peer.identity().toString();
    }

    String remoteAddress() {
        return connection.remoteAddress();
    }

    /**
     * Whether the connection still carries traffic: a pong within the bound. Askers share the probe in flight and
     * an answer younger than the bound, so a flood of duplicate connections costs the agent at most one ping per
     * bound.
     */
    synchronized CompletableFuture<Void> probe(Duration bound) {
        boolean fresh = probing != null && (!probing.isDone()
                || (!probing.isCompletedExceptionally() && System.nanoTime() - probedAt < bound.toNanos()));
        if (!fresh) {
            probedAt = System.nanoTime();
            probing = connection.probe().orTimeout(bound.toMillis(), TimeUnit.MILLISECONDS);
        }
        return probing;
    }

    boolean greeted() {
        return greeted;
    }

    Instant openedAt() {
        return openedAt;
    }

    @Override
    public void onBinary(ByteBuffer message) {
        Frame frame;
        try {
            frame = Frame.decode(message);
            handle(frame);
        } catch (ProtocolException e) {
            LOG.warn("agent {} broke the protocol ({}); closing its connection", name, e.getMessage());
            close(PROTOCOL_ERROR, e.getMessage());
        }
    }

    private void handle(Frame frame) throws ProtocolException {
        if (!greeted && frame.type() != FrameType.HELLO) {
            throw new ProtocolException("the first frame must be HELLO, not " + frame.type());
        }
        switch (frame.type()) {
            case HELLO -> {
                HostFacts facts = frame.body(HostFacts.class);
                greeted = true;
                registry.connected(name, facts);
                LOG.info("agent {} connected from {} (agent {}, {})", name, connection.remoteAddress(), facts.agentVersion(), facts.os());
            }
            case HEARTBEAT -> registry.heartbeat(name, frame.body(Heartbeat.class).facts());
            case DATA, DEFLATED, CREDIT, CLOSE, ERROR -> stream(frame);
            case OPEN -> throw new ProtocolException("agents may not open streams");
            default -> throw new ProtocolException("unexpected " + frame.type() + " frame");
        }
    }

    /** Routes a stream frame to the call or stream waiting on it; frames of streams already finished are dropped. */
    private void stream(Frame frame) throws ProtocolException {
        if (frame.stream() == 0 || frame.stream() > lastStream.get()) {
            throw new ProtocolException(frame.type() + " frame for stream " + frame.stream() + ", which labd never opened");
        }
        StreamSink call = calls.get(frame.stream());
        if (call == null) {
            return;
        }
        switch (frame.type()) {
            case DATA -> {
                if (!call.data(frame.payload())) {
                    finish(frame.stream());
                    send(Frame.json(FrameType.ERROR, frame.stream(), new StreamError("output-too-large", "output limit exceeded")));
                }
            }
            case CLOSE -> {
                finish(frame.stream());
                call.closed(frame.body(StreamClose.class).exitCode());
            }
            case ERROR -> {
                finish(frame.stream());
                call.failed(frame.body(StreamError.class));
            }
            case DEFLATED -> call.deflated(frame.payload());
            case CREDIT -> call.grantedByAgent(frame.creditBytes());
            default -> { }
        }
    }

    /** Opens a request-response stream; the agent may send up to maxBytes before it closes the stream. */
    PendingCall open(String kind, Map<String, Object> params, int maxBytes) {
        int id = lastStream.incrementAndGet();
        PendingCall call = new PendingCall(name, kind, maxBytes);
        calls.put(id, call);
        call.result.whenComplete((r, e) -> calls.remove(id));
        send(Frame.json(FrameType.OPEN, id, new StreamOpen(kind, params, maxBytes)));
        return call;
    }

    /** Opens a long-lived stream whose frames go to the listener as they arrive. */
    OpenStream openStream(String kind, Map<String, Object> params, int credit, io.labctl.api.AgentStream.Listener listener) {
        int id = lastStream.incrementAndGet();
        OpenStream stream = new OpenStream(id, name, kind, listener, this::send, () -> calls.remove(id));
        calls.put(id, stream);
        send(Frame.json(FrameType.OPEN, id, new StreamOpen(kind, params, credit)));
        return stream;
    }

    private void finish(int stream) {
        calls.remove(stream);
    }

    private void send(Frame frame) {
        connection.send(frame.encode());
    }

    void close(int code, String reason) {
        connection.close(code, reason);
    }

    /**
     * A newer connection took this one's place: its calls fail now (a dead connection may take long to report its
     * close) and the agent, should it still hear, is told to reconnect at once.
     */
    void replaced(String reason) {
        failCalls("replaced by a newer connection of " + name);
        connection.close(CloseCodes.REPLACED, reason);
    }

    private void failCalls(String why) {
        calls.values().forEach(c -> c.lost(why));
        calls.clear();
    }

    @Override
    public void onClose(int code, String reason) {
        failCalls(code + " " + (reason == null ? "" : reason));
        boolean wasCurrent = onEnd.getAsBoolean();
        // a replaced connection ends after its successor took over: the agent is not offline
        if (greeted && wasCurrent) {
            registry.disconnected(name);
        }
        if (greeted) {
            LOG.info("agent {} disconnected ({} {})", name, code, reason == null ? "" : reason);
        }
    }
}
