package io.labctl.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.AgentChannels;
import io.labctl.api.AgentStream;
import io.labctl.api.ApiException;
import io.labctl.api.web.Caller;
import io.labctl.api.web.SocketConnection;
import io.labctl.api.web.StreamSession;
import io.labctl.protocol.channel.Frame;
import io.labctl.protocol.channel.FrameType;
import io.labctl.protocol.channel.ProtocolException;
import io.labctl.protocol.channel.StreamClose;
import io.labctl.protocol.channel.StreamError;
import io.labctl.protocol.channel.StreamOpen;
import io.labctl.protocol.exec.ExecRequest;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The bridge (for exec here) with test doubles on both sides: a recording CLI connection and a recording agent stream. */
class StreamBridgeTest {
    /** Test double of the CLI's socket: keeps what labd sent and how it closed. */
    static final class RecordingClient implements SocketConnection {
        final List<Frame> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile Integer closeCode;

        @Override
        public CompletableFuture<Void> send(ByteBuffer message) {
            try {
                sent.add(Frame.decode(message));
            } catch (ProtocolException e) {
                throw new AssertionError(e);
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close(int code, String reason) {
            closeCode = code;
        }

        @Override
        public boolean isOpen() {
            return closeCode == null;
        }

        @Override
        public String remoteAddress() {
            return "127.0.0.1";
        }
    }

    /** Test double of the gateway: records the stream it opened and what labd sent to the agent. */
    static final class RecordingChannels implements AgentChannels, AgentStream {
        final List<String> toAgent = new ArrayList<>();
        volatile Map<String, Object> params;
        volatile int credit;
        volatile AgentStream.Listener listener;
        volatile ApiException refuse;

        @Override
        public CompletableFuture<Reply> call(String s, String k, Map<String, Object> p, int m, Duration t) {
            throw new UnsupportedOperationException();
        }

        @Override
        public io.labctl.api.web.SocketListener bridge(StreamSession s, SocketConnection c, String k,
                                                       java.util.function.Function<Map<String, Object>, Checked> f) {
            throw new UnsupportedOperationException();
        }

        @Override
        public AgentStream open(String server, String kind, Map<String, Object> params, int credit, Listener listener) {
            if (refuse != null) {
                throw refuse;
            }
            this.params = params;
            this.credit = credit;
            this.listener = listener;
            return this;
        }

        @Override public boolean send(byte[] payload) { toAgent.add("data:" + payload.length); return true; }
        @Override public void credit(int bytes) { toAgent.add("credit:" + bytes); }
        @Override public void closeInput() { toAgent.add("close"); }
        @Override public void fail(String code, String message) { toAgent.add("fail:" + code); }
    }

    /** Test double of the admitted session: keeps what the bridge reported for the audit row. */
    static final class RecordingSession implements StreamSession {
        String described;
        String result;
        String detail;
        String opened;
        String openedDetail;
        /** Set to make the opening row fail, as when the audit log cannot be written. */
        boolean auditDown;

        @Override public Caller caller() { return null; }
        @Override public String server() { return "web-1"; }
        @Override public void describe(String what) { described = what; }
        @Override public void open(String what, String openDetail) {
            if (auditDown) {
                throw new ApiException(503, "audit-unavailable", "the audit log cannot be written");
            }
            described = what;
            opened = what;
            openedDetail = openDetail;
        }
        @Override public void outcome(String result, String detail) { this.result = result; this.detail = detail; }
        @Override public void whileAllowed(java.util.function.Supplier<String> condition) { }
    }

    final RecordingClient client = new RecordingClient();
    final RecordingChannels channels = new RecordingChannels();
    final RecordingSession session = new RecordingSession();
    static AgentChannels.Checked checkExec(Map<String, Object> params) {
        ExecRequest request = ExecRequest.fromParams(params);
        return new AgentChannels.Checked(request.toParams(), String.join(" ", request.command()),
                String.valueOf(request.command()));
    }

    final StreamBridge bridge = new StreamBridge(session, client, channels, ExecRequest.KIND, StreamBridgeTest::checkExec);

    void fromClient(Frame frame) {
        bridge.onBinary(frame.encode());
    }

    void open() {
        fromClient(Frame.json(FrameType.OPEN, 1, new StreamOpen("exec",
                new ExecRequest(List.of("sh", "-c", "exit 3"), false, 80, 24).toParams(), 65536)));
    }

    @Test
    void framesPassThroughBothWaysAndTheExitCodeEndsTheSession() throws Exception {
        open();
        assertEquals(List.of("sh", "-c", "exit 3"), channels.params.get("command"));
        assertEquals(65536, channels.credit, "the CLI's credit is the agent's credit: labd adds no buffer");
        assertEquals("server/web-1: sh -c exit 3", session.described);

        fromClient(new Frame(FrameType.DATA, 1, new byte[] {ExecRequest.STDIN, 'x'}));
        fromClient(new Frame(FrameType.CREDIT, 1, ByteBuffer.allocate(4).putInt(4096).array()));
        fromClient(Frame.json(FrameType.CLOSE, 1, new StreamClose(null)));
        assertEquals(List.of("data:2", "credit:4096", "close"), channels.toAgent);

        channels.listener.onCredit(1024);
        channels.listener.onData(new byte[] {ExecRequest.STDERR, 'e'});
        channels.listener.onDeflated(new byte[] {9, 8, 7});
        channels.listener.onClose(3);
        assertEquals(FrameType.CREDIT, client.sent.get(0).type());
        assertArrayEquals(new byte[] {ExecRequest.STDERR, 'e'}, client.sent.get(1).payload());
        assertEquals(FrameType.DATA, client.sent.get(1).type());
        assertEquals(FrameType.DEFLATED, client.sent.get(2).type(), "compressed bytes pass on as they are");
        assertArrayEquals(new byte[] {9, 8, 7}, client.sent.get(2).payload());
        assertEquals(3, client.sent.get(3).body(StreamClose.class).exitCode());
        assertEquals(1000, client.closeCode);
        assertEquals("failed", session.result);
        assertEquals("exit 3", session.detail);
    }

    @Test
    void theOpeningRowWithTheWholeArgvIsWrittenBeforeTheAgentSeesTheCommand() {
        open();
        assertEquals("server/web-1: sh -c exit 3", session.opened);
        assertEquals("[sh, -c, exit 3]", session.openedDetail);
        assertEquals(List.of("sh", "-c", "exit 3"), channels.params.get("command"));
    }

    @Test
    void aCommandTheAuditLogCannotRecordNeverReachesTheAgent() throws Exception {
        session.auditDown = true;
        open();
        assertNull(channels.params, "the agent was asked to run a command that has no audit row");
        assertEquals("audit-unavailable", client.sent.get(0).body(StreamError.class).code());
        assertEquals("failed", session.result);
    }

    @Test
    void theClientsCancelStopsTheAgentsWork() throws Exception {
        open();
        fromClient(Frame.json(FrameType.ERROR, 1, new StreamError(ExecRequest.TIMEOUT, "30s passed")));
        assertEquals(List.of("fail:timeout"), channels.toAgent);
        assertEquals("timeout", session.detail);
        bridge.onClose(1000, "bye");
        assertEquals(List.of("fail:timeout"), channels.toAgent, "the stream is failed once");
    }

    @Test
    void aClientThatGoesAwayMidCommandCancelsIt() {
        open();
        bridge.onClose(1006, "gone");
        assertEquals(List.of("fail:cancelled"), channels.toAgent);
        assertEquals("failed", session.result);
    }

    @Test
    void anOfflineServerIsAnErrorFrameNotAHang() throws Exception {
        channels.refuse = ApiException.unavailable("server-offline", "server web-1 has no agent connected");
        open();
        StreamError error = client.sent.get(0).body(StreamError.class);
        assertEquals("server-offline", error.code());
        assertEquals(1000, client.closeCode);
    }

    @Test
    void anythingButOpenFirstIsRefused() throws Exception {
        fromClient(new Frame(FrameType.DATA, 1, new byte[] {0, 1}));
        assertEquals("invalid-request", client.sent.get(0).body(StreamError.class).code());
        assertNull(channels.listener);
        RecordingClient other = new RecordingClient();
        new StreamBridge(session, other, channels, ExecRequest.KIND, StreamBridgeTest::checkExec).onBinary(Frame.json(FrameType.OPEN, 1,
                new StreamOpen("exec", Map.of("command", List.of()), 1)).encode());
        assertTrue(other.sent.get(0).body(StreamError.class).message().contains("command"));
    }

    // ---- handover (a capability upgraded live hands its stream to the new version)

    @Test
    void aHandoverReopensTheRequestFromTheCursorWithTheCreditLeftAndTheClientSeesNoBreak() throws Exception {
        open();
        AgentStream.Listener old = channels.listener;
        old.onData(new byte[1000]);
        fromClient(new Frame(FrameType.CREDIT, 1, ByteBuffer.allocate(4).putInt(500).array()));
        old.onDeflated(new byte[200]);
        old.onError(StreamError.HANDOVER, "file:1234:(dev=1,ino=2)");
        assertEquals("file:1234:(dev=1,ino=2)", channels.params.get(StreamOpen.RESUME));
        assertEquals(List.of("sh", "-c", "exit 3"), channels.params.get("command"), "the same checked request");
        assertEquals(65536 - 1000 + 500 - 200, channels.credit, "granted by the CLI and not used by the old stream");
        assertNull(client.closeCode, "the CLI's stream goes on");
        assertTrue(client.sent.stream().noneMatch(f -> f.type() == FrameType.ERROR), "no error reaches the CLI");
        fromClient(new Frame(FrameType.CREDIT, 1, ByteBuffer.allocate(4).putInt(64).array()));
        assertEquals("credit:64", channels.toAgent.get(channels.toAgent.size() - 1), "credit goes to the new stream");
        channels.listener.onData(new byte[] {1, 2});
        channels.listener.onClose(0);
        assertEquals(FrameType.CLOSE, client.sent.get(client.sent.size() - 1).type());
        assertEquals("ok", session.result);
        assertEquals("exit 0 (after 1 handover(s))", session.detail, "the audit row says it was handed over");
    }

    @Test
    void aHandoverWithoutACursorOrOneThatNeverSendsAnythingFailsTheStream() throws Exception {
        open();
        channels.listener.onError(StreamError.HANDOVER, "x".repeat(StreamError.MAX_CURSOR + 1));
        assertEquals(StreamBridge.HANDOVER_FAILED, client.sent.get(0).body(StreamError.class).code());
        assertEquals(1000, client.closeCode);

        RecordingClient other = new RecordingClient();
        StreamBridge looping = new StreamBridge(session, other, channels, ExecRequest.KIND, StreamBridgeTest::checkExec);
        looping.onBinary(Frame.json(FrameType.OPEN, 1, new StreamOpen("exec",
                new ExecRequest(List.of("true"), false, 80, 24).toParams(), 100)).encode());
        for (int i = 0; i <= StreamBridge.MAX_IDLE_HANDOVERS; i++) {
            channels.listener.onError(StreamError.HANDOVER, "file:0:-");
        }
        StreamError error = other.sent.get(0).body(StreamError.class);
        assertEquals(StreamBridge.HANDOVER_FAILED, error.code());
        assertTrue(error.message().contains("in a row without sending anything"), error.message());
    }

    @Test
    void aHandoverToAnAgentThatIsGoneEndsTheStreamWithTheReason() throws Exception {
        open();
        channels.refuse = ApiException.unavailable("server-offline", "server web-1 has no agent connected");
        channels.listener.onError(StreamError.HANDOVER, "file:0:-");
        StreamError error = client.sent.get(0).body(StreamError.class);
        assertEquals(StreamBridge.HANDOVER_FAILED, error.code());
        assertTrue(error.message().contains("no agent connected"), error.message());
        assertEquals("failed", session.result);
    }

    @Test
    void aHandedOverStreamWaitsForARestartingAgentAndGoesOnOnceItTakesTheStream() throws Exception {
        java.util.concurrent.ScheduledExecutorService retries = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            StreamBridge waiting = new StreamBridge(session, client, channels, ExecRequest.KIND, StreamBridgeTest::checkExec,
                    Duration.ofSeconds(60), retries);
            waiting.onBinary(Frame.json(FrameType.OPEN, 1, new StreamOpen("exec",
                    new ExecRequest(List.of("true"), false, 80, 24).toParams(), 4096)).encode());
            AgentStream.Listener old = channels.listener;
            // the agent is gone for a moment (it restarts): the first tries find it offline
            synchronized (channels) {
                channels.refuse = ApiException.unavailable("server-offline", "server web-1 has no agent connected");
            }
            old.onError(StreamError.HANDOVER, "file:10:-");
            Thread.sleep(3 * StreamBridge.RETRY_MILLIS);
            assertNull(client.closeCode, "still waiting for the agent");
            synchronized (channels) {
                channels.refuse = null;
            }
            long deadline = System.currentTimeMillis() + 10_000;
            while (channels.listener == old && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertEquals("file:10:-", channels.params.get(StreamOpen.RESUME));
            // connected again, but its logs capability is not registered yet: that is "not now" as well
            AgentStream.Listener early = channels.listener;
            early.onError(StreamError.NOT_INSTALLED, "capability 'exec' is not installed on this agent");
            while (channels.listener == early && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            channels.listener.onCredit(256 * 1024);  // the handler took it
            channels.listener.onData(new byte[] {1});
            assertNull(client.closeCode, "one unbroken stream");
            assertTrue(client.sent.stream().noneMatch(f -> f.type() == FrameType.ERROR));
            // taken back: a later loss of the agent ends the stream as before (no cursor to go on from)
            channels.listener.onError("agent-disconnected", "the connection to web-1 ended");
            assertEquals("agent-disconnected", client.sent.get(client.sent.size() - 1).body(StreamError.class).code());
        } finally {
            retries.shutdownNow();
        }
    }

    @Test
    void aHandedOverStreamThatIsNotTakenBackInTimeFailsSayingSo() throws Exception {
        java.util.concurrent.ScheduledExecutorService retries = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            StreamBridge waiting = new StreamBridge(session, client, channels, ExecRequest.KIND, StreamBridgeTest::checkExec,
                    Duration.ofSeconds(1), retries);
            waiting.onBinary(Frame.json(FrameType.OPEN, 1, new StreamOpen("exec",
                    new ExecRequest(List.of("true"), false, 80, 24).toParams(), 4096)).encode());
            synchronized (channels) {
                channels.refuse = ApiException.unavailable("server-offline", "server web-1 has no agent connected");
            }
            channels.listener.onError(StreamError.HANDOVER, "file:10:-");
            long deadline = System.currentTimeMillis() + 10_000;
            while (client.closeCode == null && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            StreamError error = client.sent.get(0).body(StreamError.class);
            assertEquals(StreamBridge.HANDOVER_FAILED, error.code());
            assertTrue(error.message().contains("not taken back within 1 s"), error.message());
        } finally {
            retries.shutdownNow();
        }
    }
}
