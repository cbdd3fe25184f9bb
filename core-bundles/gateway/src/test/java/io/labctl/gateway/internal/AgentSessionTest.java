package io.labctl.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.AgentChannels;
import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.ServerRegistry;
import io.labctl.api.web.PeerPrincipal;
import io.labctl.api.web.SocketConnection;
import io.labctl.protocol.HostFacts;
import io.labctl.protocol.channel.Frame;
import io.labctl.protocol.channel.FrameType;
import io.labctl.protocol.channel.Heartbeat;
import io.labctl.protocol.channel.StreamClose;
import io.labctl.protocol.channel.StreamError;
import io.labctl.protocol.channel.StreamOpen;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The gateway's rules for one agent connection, without a network: frames in, frames and registry calls out. */
class AgentSessionTest {
    /** Test double of the web bundle's connection: records frames sent and how it was closed. */
    static final class RecordingConnection implements SocketConnection {
        final List<Frame> sent = new ArrayList<>();
        Integer closeCode;

        @Override
        public CompletableFuture<Void> send(ByteBuffer message) {
            try {
                sent.add(Frame.decode(message));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override public void close(int code, String reason) { closeCode = code; }
        @Override public boolean isOpen() { return closeCode == null; }
        @Override public String remoteAddress() { return "127.0.0.1:5555"; }
    }

    /** Test double of the registry: records the calls the session makes. */
    static ServerRegistry recordingRegistry(List<String> calls) {
        return (ServerRegistry) Proxy.newProxyInstance(ServerRegistry.class.getClassLoader(), new Class<?>[] {ServerRegistry.class},
                (p, m, a) -> {
                    calls.add(m.getName());
                    return m.getReturnType() == boolean.class ? Boolean.TRUE : null;
                });
    }

    private final List<String> calls = new ArrayList<>();
    private final RecordingConnection connection = new RecordingConnection();
    private final AgentSession session = new AgentSession(
            new PeerPrincipal(new Identity(Identity.Kind.AGENT, "web1"), null, "127.0.0.1"), connection, recordingRegistry(calls), () -> true);

    private void receive(Frame f) {
        session.onBinary(f.encode());
    }

    private static HostFacts facts() {
        return new HostFacts("web1", "Debian", "6.1", "amd64", 2, 1L << 30, List.of(), "0.1.0", List.of());
    }

    @Test
    void helloMustComeFirstThenHeartbeatsReachTheRegistry() {
        receive(Frame.json(FrameType.HEARTBEAT, 0, new Heartbeat(1, 10, null)));
        assertEquals(AgentSession.PROTOCOL_ERROR, connection.closeCode);
        assertTrue(calls.isEmpty());

        RecordingConnection fresh = new RecordingConnection();
        AgentSession s = new AgentSession(new PeerPrincipal(new Identity(Identity.Kind.AGENT, "web1"), null, "x"), fresh,
                recordingRegistry(calls), () -> true);
        s.onBinary(Frame.json(FrameType.HELLO, 0, facts()).encode());
        s.onBinary(Frame.json(FrameType.HEARTBEAT, 0, new Heartbeat(1, 10, null)).encode());
        assertEquals(List.of("connected", "heartbeat"), calls);
        assertTrue(fresh.isOpen());
        s.onClose(1000, "bye");
        assertEquals(List.of("connected", "heartbeat", "disconnected"), calls);
    }

    @Test
    void garbageAndAgentOpenedStreamsEndTheConnection() {
        session.onBinary(ByteBuffer.wrap(new byte[] {1, 2}));
        assertEquals(AgentSession.PROTOCOL_ERROR, connection.closeCode);
    }

    @Test
    void aCallGetsTheAgentsOutputAndExitCode() throws Exception {
        receive(Frame.json(FrameType.HELLO, 0, facts()));
        PendingCall call = session.open("ping", Map.of(), 1024);
        Frame open = connection.sent.get(0);
        assertEquals(FrameType.OPEN, open.type());
        assertEquals("ping", open.body(StreamOpen.class).kind());
        receive(new Frame(FrameType.DATA, open.stream(), "pong".getBytes()));
        receive(Frame.json(FrameType.CLOSE, open.stream(), new StreamClose(0)));
        AgentChannels.Reply reply = call.result.get();
        assertEquals("pong", new String(reply.output()));
        assertEquals(0, reply.exitCode());
    }

    @Test
    void aMissingCapabilityIsA501AndTooMuchOutputA413() throws Exception {
        receive(Frame.json(FrameType.HELLO, 0, facts()));
        PendingCall missing = session.open("exec", Map.of(), 1024);
        receive(Frame.json(FrameType.ERROR, connection.sent.get(0).stream(),
                new StreamError(StreamError.NOT_INSTALLED, "capability 'exec' is not installed on this agent")));
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> missing.result.get());
        assertEquals(501, assertInstanceOf(ApiException.class, e.getCause()).status());

        PendingCall greedy = session.open("ping", Map.of(), 4);
        receive(new Frame(FrameType.DATA, connection.sent.get(1).stream(), "too much".getBytes()));
        e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> greedy.result.get());
        assertEquals(413, ((ApiException) e.getCause()).status());
        assertEquals(FrameType.ERROR, connection.sent.get(2).type(), "the agent is told to stop");
    }

    @Test
    void framesForStreamsLabdNeverOpenedBreakTheProtocolAndLostConnectionsFailCalls() throws Exception {
        receive(Frame.json(FrameType.HELLO, 0, facts()));
        PendingCall call = session.open("ping", Map.of(), 1024);
        session.onClose(1006, "gone");
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> call.result.get());
        assertEquals(503, ((ApiException) e.getCause()).status());

        receive(new Frame(FrameType.DATA, 99, new byte[1]));
        assertEquals(AgentSession.PROTOCOL_ERROR, connection.closeCode);
        assertFalse(connection.isOpen());
    }

    @Test
    void deflatedFramesReachAStreamsListenerAsTheyAreButBreakTheProtocolOnACall() {
        receive(Frame.json(FrameType.HELLO, 0, facts()));
        List<String> heard = new ArrayList<>();
        session.openStream("logs", Map.of("compression", "deflate"), 1 << 20, new io.labctl.api.AgentStream.Listener() {
            @Override public void onData(byte[] payload) { heard.add("data:" + new String(payload)); }
            @Override public void onDeflated(byte[] payload) { heard.add("deflated:" + new String(payload)); }
            @Override public void onCredit(int bytes) { heard.add("credit"); }
            @Override public void onClose(Integer exitCode) { heard.add("close"); }
            @Override public void onError(String code, String message) { heard.add("error:" + code); }
        });
        int stream = connection.sent.get(0).stream();
        receive(new Frame(FrameType.DEFLATED, stream, "opaque".getBytes()));
        receive(new Frame(FrameType.DATA, stream, "plain".getBytes()));
        assertEquals(List.of("deflated:opaque", "data:plain"), heard, "labd neither decodes nor re-encodes");
        assertTrue(connection.isOpen());

        session.open("ping", Map.of(), 1024);
        receive(new Frame(FrameType.DEFLATED, connection.sent.get(1).stream(), new byte[] {1}));
        assertEquals(AgentSession.PROTOCOL_ERROR, connection.closeCode);
    }
}
