package io.labctl.gateway.internal;

import io.labctl.api.ServerRegistry;
import io.labctl.api.web.PeerPrincipal;
import io.labctl.api.web.SocketConnection;
import io.labctl.api.web.SocketListener;
import io.labctl.protocol.HostFacts;
import io.labctl.protocol.channel.Frame;
import io.labctl.protocol.channel.FrameType;
import io.labctl.protocol.channel.Heartbeat;
import io.labctl.protocol.channel.ProtocolException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
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
    private final Runnable onEnd;
    private final Instant openedAt = Instant.now();
    private volatile boolean greeted;

    AgentSession(PeerPrincipal peer, SocketConnection connection, ServerRegistry registry, Runnable onEnd) {
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
            // Streams (exec, logs, ...) are routed here by the capabilities that open them; none is open yet.
            case DATA, CREDIT, CLOSE, ERROR -> throw new ProtocolException(frame.type() + " frame for stream " + frame.stream() + ", which is not open");
            case OPEN -> throw new ProtocolException("agents may not open streams");
            default -> throw new ProtocolException("unexpected " + frame.type() + " frame");
        }
    }

    void close(int code, String reason) {
        connection.close(code, reason);
    }

    @Override
    public void onClose(int code, String reason) {
        if (greeted) {
            registry.disconnected(name);
            LOG.info("agent {} disconnected ({} {})", name, code, reason == null ? "" : reason);
        }
        onEnd.run();
    }
}
