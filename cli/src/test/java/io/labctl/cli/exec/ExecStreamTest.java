package io.labctl.cli.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.cli.config.ContextEntry;
import io.labctl.cli.http.LabdClient;
import io.labctl.cli.testsupport.TestExecLabd;
import io.labctl.cli.testsupport.TestPki;
import io.labctl.protocol.Api;
import io.labctl.protocol.channel.Frame;
import io.labctl.protocol.channel.FrameType;
import io.labctl.protocol.channel.ProtocolException;
import io.labctl.protocol.channel.StreamClose;
import io.labctl.protocol.channel.StreamError;
import io.labctl.protocol.channel.StreamOpen;
import io.labctl.protocol.exec.ExecRequest;
import io.labctl.protocol.logs.LogsRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The stream client against a scripted fake WebSocket: no labd, no network. */
class ExecStreamTest {
    static final ExecStream.Timing FAST = new ExecStream.Timing(Duration.ofMillis(300), Duration.ofMillis(100),
            Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofMillis(50));

    /** A WebSocket that records what the stream sends and lets the test play labd through the listener. */
    static final class FakeSocket implements WebSocket {
        final BlockingQueue<Frame> sent = new LinkedBlockingQueue<>();
        final AtomicInteger pings = new AtomicInteger();
        final AtomicInteger demand = new AtomicInteger();
        volatile boolean aborted;
        volatile boolean closeSent;
        /** As after the JDK answered labd's close of the socket: every send fails. */
        volatile boolean outputClosed;
        WebSocket.Listener listener;

        Connector connector() {
            return (server, l) -> {
                listener = l;
                l.onOpen(this);
                return CompletableFuture.completedFuture(this);
            };
        }

        void deliver(Frame f) {
            listener.onBinary(this, f.encode(), true);
        }

        Frame next() throws InterruptedException {
            Frame f = sent.poll(5, TimeUnit.SECONDS);
            if (f == null) {
                throw new AssertionError("the stream sent nothing");
            }
            return f;
        }

        @Override
        public CompletableFuture<WebSocket> sendText(CharSequence data, boolean last) {
            throw new AssertionError("text");
        }

        @Override
        public CompletableFuture<WebSocket> sendBinary(ByteBuffer data, boolean last) {
            if (outputClosed) {
                return CompletableFuture.failedFuture(new IOException("Output closed"));
            }
            try {
                sent.add(Frame.decode(data));
            } catch (ProtocolException e) {
                throw new AssertionError(e);
            }
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public CompletableFuture<WebSocket> sendPing(ByteBuffer message) {
            pings.incrementAndGet();
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public CompletableFuture<WebSocket> sendPong(ByteBuffer message) {
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public CompletableFuture<WebSocket> sendClose(int statusCode, String reason) {
            closeSent = true;
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public void request(long n) {
            demand.addAndGet((int) n);
        }

        @Override
        public String getSubprotocol() {
            return "";
        }

        @Override
        public boolean isOutputClosed() {
            return closeSent;
        }

        @Override
        public boolean isInputClosed() {
            return false;
        }

        @Override
        public void abort() {
            aborted = true;
        }
    }

    static final class Collect implements ExecStream.Output {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();

        @Override
        public synchronized void stdout(byte[] b, int off, int len) {
            out.write(b, off, len);
        }

        @Override
        public synchronized void stderr(byte[] b, int off, int len) {
            err.write(b, off, len);
        }
    }

    static ExecRequest request() {
        return new ExecRequest(List.of("sleep", "100"), false, 80, 24);
    }

    static CompletableFuture<Outcome> start(ExecStream s, FakeSocket ws) {
        return CompletableFuture.supplyAsync(() -> s.run(ws.connector()));
    }

    static Frame credit(int n) {
        return new Frame(FrameType.CREDIT, 1, ByteBuffer.allocate(4).putInt(n).array());
    }

    @Test
    void withoutStdinOpenIsFollowedByClose() throws Exception {
        FakeSocket ws = new FakeSocket();
        Collect out = new Collect();
        CompletableFuture<Outcome> run = start(new ExecStream("web-1", request(), out, null, null, FAST), ws);
        Frame open = ws.next();
        assertEquals(FrameType.OPEN, open.type());
        StreamOpen o = open.body(StreamOpen.class);
        assertEquals("exec", o.kind());
        assertEquals(ExecStream.OUTPUT_WINDOW, o.credit());
        assertEquals(FrameType.CLOSE, ws.next().type());
        ws.deliver(new Frame(FrameType.DATA, 1, ExecRequest.tagged(ExecRequest.STDOUT, "hi".getBytes(), 0, 2)));
        assertNull(ws.sent.poll(300, TimeUnit.MILLISECONDS), "2 bytes of a 1 MiB window are not granted back alone");
        byte[] more = new byte[ExecStream.GRANT_BATCH];
        ws.deliver(new Frame(FrameType.DATA, 1, ExecRequest.tagged(ExecRequest.STDOUT, more, 0, 60_000)));
        for (int sent = 60_000; sent < more.length; sent += 60_000) {
            ws.deliver(new Frame(FrameType.DATA, 1, ExecRequest.tagged(ExecRequest.STDOUT, more, 0,
                    Math.min(60_000, more.length - sent))));
        }
        Frame granted = ws.next();
        assertEquals(FrameType.CREDIT, granted.type());
        assertEquals(2 + ExecStream.GRANT_BATCH, ByteBuffer.wrap(granted.payload()).getInt(),
                "a quarter window's output is granted back at once, in one frame");
        ws.deliver(Frame.json(FrameType.CLOSE, 1, new StreamClose(7)));
        Outcome result = run.get(5, TimeUnit.SECONDS);
        assertEquals(Outcome.Kind.EXITED, result.kind());
        assertEquals(7, result.exitStatus());
        assertEquals(2 + ExecStream.GRANT_BATCH, out.out.size());
        assertTrue(out.out.toString().startsWith("hi"));
        assertTrue(ws.closeSent && ws.aborted);
    }

    @Test
    void aGrantThatCannotBeSentAfterLabdEndedTheStreamIsNoError() throws Exception {
        FakeSocket ws = new FakeSocket();
        Collect out = new Collect();
        CompletableFuture<Outcome> run = start(new ExecStream("web-1", request(), out, null, null, FAST), ws);
        assertEquals(FrameType.OPEN, ws.next().type());
        assertEquals(FrameType.CLOSE, ws.next().type());
        // labd relayed the last output and the CLOSE, then closed the socket before our grant for that output
        ws.outputClosed = true;
        byte[] last = new byte[60_000];
        int frames = ExecStream.GRANT_BATCH / last.length + 1;  // together past GRANT_BATCH: a grant is sent on the way
        for (int i = 0; i < frames; i++) {
            ws.deliver(new Frame(FrameType.DATA, 1, ExecRequest.tagged(ExecRequest.STDOUT, last, 0, last.length)));
        }
        ws.deliver(Frame.json(FrameType.CLOSE, 1, new StreamClose(0)));
        Outcome result = run.get(5, TimeUnit.SECONDS);
        assertEquals(Outcome.Kind.EXITED, result.kind(), String.valueOf(result.message()));
        assertEquals(0, result.exitStatus());
        assertEquals(frames * last.length, out.out.size());
    }

    @Test
    void stdinWaitsForCreditAndNeverExceedsIt() throws Exception {
        FakeSocket ws = new FakeSocket();
        byte[] input = new byte[100];
        CompletableFuture<Outcome> run = start(new ExecStream("web-1", request(), new Collect(),
                new ByteArrayInputStream(input), null, FAST), ws);
        assertEquals(FrameType.OPEN, ws.next().type());
        assertNull(ws.sent.poll(300, TimeUnit.MILLISECONDS), "sent stdin before any credit");
        ws.deliver(credit(30));
        int total = 0;
        for (int i = 0; i < 1; i++) {
            Frame f = ws.next();
            assertEquals(FrameType.DATA, f.type());
            assertEquals(ExecRequest.STDIN, f.payload()[0]);
            assertEquals(30, f.payload().length - 1);
            total += 30;
        }
        assertNull(ws.sent.poll(200, TimeUnit.MILLISECONDS), "sent beyond the credit");
        ws.deliver(credit(1000));
        Frame rest = ws.next();
        assertEquals(70, rest.payload().length - 1);
        total += 70;
        assertEquals(100, total);
        assertEquals(FrameType.CLOSE, ws.next().type());
        ws.deliver(Frame.json(FrameType.CLOSE, 1, new StreamClose(0)));
        assertEquals(0, run.get(5, TimeUnit.SECONDS).exitStatus());
    }

    @Test
    void cancelSendsErrorCancelledAndEnds130() throws Exception {
        FakeSocket ws = new FakeSocket();
        ExecStream s = new ExecStream("web-1", request(), new Collect(), null, null, FAST);
        CompletableFuture<Outcome> run = start(s, ws);
        assertEquals(FrameType.OPEN, ws.next().type());
        assertEquals(FrameType.CLOSE, ws.next().type());
        s.cancel();
        Frame err = ws.next();
        assertEquals(FrameType.ERROR, err.type());
        assertEquals(ExecRequest.CANCELLED, err.body(StreamError.class).code());
        ws.deliver(Frame.json(FrameType.CLOSE, 1, new StreamClose(130)));
        Outcome o = run.get(5, TimeUnit.SECONDS);
        assertEquals(Outcome.Kind.CANCELLED, o.kind());
        assertEquals(130, o.exitStatus());
    }

    @Test
    void cancelWithoutAnAnswerStillEndsAfterTheGrace() throws Exception {
        FakeSocket ws = new FakeSocket();
        ExecStream s = new ExecStream("web-1", request(), new Collect(), null, null, FAST);
        CompletableFuture<Outcome> run = start(s, ws);
        ws.next();
        ws.next();
        s.cancel();
        assertEquals(130, run.get(5, TimeUnit.SECONDS).exitStatus());
    }

    @Test
    void silentLabdIsALostConnectionAfterPings() throws Exception {
        FakeSocket ws = new FakeSocket();
        CompletableFuture<Outcome> run = start(new ExecStream("web-1", request(), new Collect(), null, null, FAST), ws);
        Outcome o = run.get(5, TimeUnit.SECONDS);
        assertEquals(Outcome.Kind.FAILED, o.kind());
        assertEquals(255, o.exitStatus());
        assertTrue(o.message().startsWith("lost the connection to labd while running 'sleep 100' on server/web-1:"
                + " labd did not answer for "), o.message());
        assertTrue(ws.pings.get() >= 1, "no ping before giving up");
    }

    @Test
    void pongsKeepAQuietCommandAlive() throws Exception {
        FakeSocket ws = new FakeSocket();
        ExecStream s = new ExecStream("web-1", request(), new Collect(), null, null, FAST);
        CompletableFuture<Outcome> run = start(s, ws);
        ws.next();
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1200);  // > silence limit
        while (System.nanoTime() < until) {
            Thread.sleep(50);
            ws.listener.onPong(ws, ByteBuffer.allocate(0));
        }
        ws.deliver(Frame.json(FrameType.CLOSE, 1, new StreamClose(0)));
        assertEquals(Outcome.Kind.EXITED, run.get(5, TimeUnit.SECONDS).kind());
    }

    @Test
    void labdEndingTheStreamForRevokedAccessIsItsOwnExitCodeWithTheReason() throws Exception {
        FakeSocket ws = new FakeSocket();
        ExecStream s = new ExecStream("web-1", request(), new Collect(), null, null, FAST);
        CompletableFuture<Outcome> run = start(s, ws);
        ws.next();
        s.cancel();  // even while the user is stopping it, the reason labd gave wins
        ws.listener.onClose(ws, io.labctl.protocol.Api.ACCESS_REVOKED_CLOSE, "your access was revoked");
        Outcome o = run.get(5, TimeUnit.SECONDS);
        assertEquals(Outcome.Kind.REFUSED, o.kind());
        assertTrue(o.revoked() && o.denied());
        assertEquals(io.labctl.cli.ExitCodes.ACCESS_REVOKED, o.exitStatus());
        assertEquals("labd ended the stream: your access was revoked", o.message());
    }

    @Test
    void anOrdinaryCloseIsStillALostConnection() throws Exception {
        FakeSocket ws = new FakeSocket();
        CompletableFuture<Outcome> run = start(new ExecStream("web-1", request(), new Collect(), null, null, FAST), ws);
        ws.next();
        ws.listener.onClose(ws, 1001, "going away");
        Outcome o = run.get(5, TimeUnit.SECONDS);
        assertEquals(255, o.exitStatus());
        assertTrue(!o.revoked(), o.toString());
    }

    @Test
    void socketClosedBeforeTheEndIsLost() throws Exception {
        FakeSocket ws = new FakeSocket();
        CompletableFuture<Outcome> run = start(new ExecStream("web-1", request(), new Collect(), null, null, FAST), ws);
        ws.next();
        ws.listener.onError(ws, new IOException("Connection reset"));
        Outcome o = run.get(5, TimeUnit.SECONDS);
        assertEquals(255, o.exitStatus());
        assertTrue(o.message().endsWith(": Connection reset"), o.message());
    }

    @Test
    void aBrokenOutputStopsTheCommand() throws Exception {
        FakeSocket ws = new FakeSocket();
        ExecStream.Output broken = new ExecStream.Output() {
            @Override
            public void stdout(byte[] b, int off, int len) throws IOException {
                throw new IOException("Broken pipe");
            }

            @Override
            public void stderr(byte[] b, int off, int len) {
            }
        };
        CompletableFuture<Outcome> run = start(new ExecStream("web-1", request(), broken, null, null, FAST), ws);
        ws.next();
        ws.next();
        ws.deliver(new Frame(FrameType.DATA, 1, new byte[] {ExecRequest.STDOUT, 'x'}));
        Outcome o = run.get(5, TimeUnit.SECONDS);
        assertEquals(255, o.exitStatus());
        assertTrue(o.message().contains("Broken pipe"), o.message());
        assertEquals(ExecRequest.CANCELLED, ws.next().body(StreamError.class).code());
    }

    @Test
    void protocolViolationsAreTransportErrors() throws Exception {
        FakeSocket ws = new FakeSocket();
        CompletableFuture<Outcome> run = start(new ExecStream("web-1", request(), new Collect(), null, null, FAST), ws);
        ws.next();
        ws.deliver(new Frame(FrameType.CREDIT, 1, new byte[] {1, 2}));
        Outcome o = run.get(5, TimeUnit.SECONDS);
        assertEquals(255, o.exitStatus());
        assertTrue(o.message().contains("CREDIT frame of 2 bytes"), o.message());
    }

    @Test
    void resizeTravelsAsADataFrame() throws Exception {
        FakeSocket ws = new FakeSocket();
        ExecStream s = new ExecStream("web-1", new ExecRequest(List.of("bash"), true, 100, 30), new Collect(), null,
                null, FAST);
        CompletableFuture<Outcome> run = start(s, ws);
        ws.next();
        ws.next();
        s.resize(120, 40);
        Frame f = ws.next();
        assertEquals(FrameType.DATA, f.type());
        assertEquals(List.of((byte) 1, (byte) 0, (byte) 120, (byte) 0, (byte) 40),
                List.of(f.payload()[0], f.payload()[1], f.payload()[2], f.payload()[3], f.payload()[4]));
        ws.deliver(Frame.json(FrameType.CLOSE, 1, new StreamClose(0)));
        run.get(5, TimeUnit.SECONDS);
    }

    // ---- the same stream for logs

    static ExecStream logs(LogsRequest request, ExecStream.Output out) {
        return ExecStream.logs("web-1", request, "the journal of server/web-1", out, FAST);
    }

    @Test
    void logsOpenTheLogsKindWithoutAllowAndPassUntaggedBytes() throws Exception {
        FakeSocket ws = new FakeSocket();
        Collect out = new Collect();
        // even a request that carries allow globs must not send them: labd decides them
        LogsRequest request = new LogsRequest("journal", true, 10, "nginx", null, "err", false, null,
                List.of("/var/log/**"), null);
        ExecStream s = logs(request, out);
        CompletableFuture<Outcome> run = start(s, ws);
        StreamOpen open = ws.next().body(StreamOpen.class);
        assertEquals("logs", open.kind());
        assertEquals(ExecStream.OUTPUT_WINDOW, open.credit());
        assertFalse(open.params().containsKey("allow"), open.params().toString());
        assertEquals(request.withAllow(List.of()), LogsRequest.fromParams(open.params()));
        assertEquals(FrameType.CLOSE, ws.next().type());
        // 1 and 2 would be STDOUT/STDERR tags on an exec stream; here they are the log's own bytes
        ws.deliver(new Frame(FrameType.DATA, 1, new byte[] {1, 2, 'x'}));
        for (int sent = 0; sent < ExecStream.GRANT_BATCH; sent += 65_536) {
            ws.deliver(new Frame(FrameType.DATA, 1, new byte[65_536]));
        }
        Frame granted = ws.next();
        assertEquals(FrameType.CREDIT, granted.type());
        assertEquals(3 + ExecStream.GRANT_BATCH, ByteBuffer.wrap(granted.payload()).getInt(),
                "credit counts every byte of untagged DATA");
        ws.deliver(new Frame(FrameType.DATA, 1, new byte[0]));
        s.cancel();
        assertEquals(ExecRequest.CANCELLED, ws.next().body(StreamError.class).code());
        ws.deliver(Frame.json(FrameType.CLOSE, 1, new StreamClose(0)));
        assertEquals(130, run.get(5, TimeUnit.SECONDS).exitStatus());
        assertArrayEquals(new byte[] {1, 2, 'x'}, java.util.Arrays.copyOf(out.out.toByteArray(), 3));
        assertEquals(3 + ExecStream.GRANT_BATCH, out.out.size());
        assertEquals(0, out.err.size());
    }

    @Test
    void aSilentLogsStreamIsALostConnectionNamingTheLog() throws Exception {
        FakeSocket ws = new FakeSocket();
        LogsRequest request = new LogsRequest("journal", true, null, null, null, null, false, null, null, null);
        Outcome o = start(logs(request, new Collect()), ws).get(5, TimeUnit.SECONDS);
        assertEquals(255, o.exitStatus());
        assertTrue(o.message().startsWith("lost the connection to labd while reading the journal of server/web-1:"
                + " labd did not answer for "), o.message());
    }

    /** Against the Jetty double: its WebSocket pongs keep a command that prints nothing for a while alive. */
    @Test
    void aSilentCommandOverARealSocketIsNotMistakenForALostConnection() throws Exception {
        try (TestExecLabd labd = new TestExecLabd(TestPki.get())) {
            labd.agent("web-1", peer -> {
                peer.request();
                Thread.sleep(1500);  // three times the silence limit
                peer.exit(0);
            });
            LabdClient client = LabdClient.forContext(ContextEntry.of("t", TestPki.get().bundle(labd.url())), LabdClient.newSessionId());
            ExecStream s = new ExecStream("web-1", request(), new Collect(), null, null, FAST);
            Outcome o = s.run((server, l) -> client.webSocket(Api.EXEC_SOCKET + "?server=" + server, l));
            assertEquals(Outcome.Kind.EXITED, o.kind(), String.valueOf(o));
            assertEquals(List.of(), labd.problems);
        }
    }
}
