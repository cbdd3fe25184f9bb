package io.labctl.agent.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.agent.api.StreamChannel;
import io.labctl.agent.api.StreamHandler;
import io.labctl.agent.api.StreamReceiver;
import io.labctl.protocol.channel.Frame;
import io.labctl.protocol.channel.FrameType;
import io.labctl.protocol.channel.ProtocolException;
import io.labctl.protocol.channel.StreamClose;
import io.labctl.protocol.channel.StreamError;
import io.labctl.protocol.channel.StreamOpen;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dispatcher without a network: frames in, frames out through a recording sink. */
class StreamDispatcherTest {
    /** Test helper: records what the agent would send to labd. */
    static final class RecordingSink implements FrameSink {
        final List<Frame> sent = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<Void> send(Frame frame) {
            sent.add(frame);
            return CompletableFuture.completedFuture(null);
        }

        List<Frame> of(FrameType type) {
            return sent.stream().filter(f -> f.type() == type).toList();
        }
    }

    final ExecutorService pool = Executors.newCachedThreadPool();
    final HandlerRegistry registry = new HandlerRegistry();
    final RecordingSink sink = new RecordingSink();
    final StreamDispatcher dispatcher = new StreamDispatcher(registry, sink, pool);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    static Frame open(int stream, String kind, int credit) {
        return Frame.json(FrameType.OPEN, stream, new StreamOpen(kind, Map.of(), credit));
    }

    @Test
    void openForAKindWithNoHandlerIsAnsweredAtOnceWithNotInstalled() throws Exception {
        dispatcher.onFrame(open(5, "exec", 1024));
        assertEquals(1, sink.sent.size(), "answered synchronously");
        Frame answer = sink.sent.get(0);
        assertEquals(FrameType.ERROR, answer.type());
        assertEquals(5, answer.stream());
        StreamError error = answer.body(StreamError.class);
        assertEquals(StreamError.NOT_INSTALLED, error.code());
        assertEquals("capability 'exec' is not installed on this agent", error.message());
        assertEquals(0, dispatcher.openStreams());
    }

    @Test
    void aRegisteredHandlerGetsTheStreamItsInputAndItsOutputObeysCredit() throws Exception {
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        CountDownLatch inputClosed = new CountDownLatch(1);
        CompletableFuture<StreamChannel> channel = new CompletableFuture<>();
        StreamHandler echo = (request, ch) -> {
            channel.complete(ch);
            return new StreamReceiver() {
                @Override
                public void onData(ByteBuffer data) {
                    input.write(data.array(), data.position(), data.remaining());
                }

                @Override
                public void onInputClosed() {
                    inputClosed.countDown();
                }
            };
        };
        registry.add(echo, Map.of(StreamHandler.KIND, "echo"));
        dispatcher.onFrame(open(7, "echo", 10));
        StreamChannel ch = channel.get(5, TimeUnit.SECONDS);
        assertEquals("echo", ch.kind());
        assertEquals(7, ch.id());

        dispatcher.onFrame(new Frame(FrameType.DATA, 7, "hello".getBytes()));
        dispatcher.onFrame(new Frame(FrameType.CLOSE, 7, "{}".getBytes()));
        assertTrue(inputClosed.await(5, TimeUnit.SECONDS));
        assertEquals("hello", input.toString());
        Frame grant = sink.of(FrameType.CREDIT).get(0);
        assertEquals(AgentStream.RECEIVE_WINDOW, ByteBuffer.wrap(grant.payload()).getInt(), "labd is granted input credit");

        // 25 bytes with 10 of credit: nothing goes until labd's CREDIT covers the whole frame, which then arrives whole
        CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
            try {
                ch.write(new byte[25], 0, 25);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, pool);
        Thread.sleep(200);
        assertFalse(writing.isDone(), "blocked for lack of credit");
        assertEquals(0, sink.of(FrameType.DATA).size(), "no part of a frame is sent ahead of its credit");
        dispatcher.onFrame(new Frame(FrameType.CREDIT, 7, ByteBuffer.allocate(4).putInt(100).array()));
        writing.get(5, TimeUnit.SECONDS);
        assertEquals(List.of(25), sink.of(FrameType.DATA).stream().map(f -> f.payload().length).toList(),
                "one write, one frame: a handler's payload boundaries survive");

        ch.close(0);
        ch.close(1);
        List<Frame> closes = sink.of(FrameType.CLOSE);
        assertEquals(1, closes.size(), "closing twice sends one CLOSE");
        assertEquals(0, closes.get(0).body(StreamClose.class).exitCode());
        assertEquals(0, dispatcher.openStreams());
    }

    @Test
    void aHandlerThatThrowsAnswersWithAnError() throws Exception {
        registry.add((request, ch) -> {
            throw new IllegalArgumentException("unit 'x' does not exist");
        }, Map.of(StreamHandler.KIND, "logs"));
        dispatcher.onFrame(open(9, "logs", 0));
        Frame error = waitFor(FrameType.ERROR);
        assertEquals(StreamErrors.OPEN_FAILED, error.body(StreamError.class).code());
        assertTrue(error.body(StreamError.class).message().contains("unit 'x' does not exist"));
    }

    @Test
    void removingAHandlerFailsOnlyItsStreamsAndTellsTheReceiver() throws Exception {
        CountDownLatch aborted = new CountDownLatch(1);
        StreamHandler going = (request, ch) -> new StreamReceiver() {
            @Override
            public void onAbort(String reason) {
                aborted.countDown();
            }
        };
        StreamHandler staying = (request, ch) -> StreamReceiver.IGNORE;
        registry.add(going, Map.of(StreamHandler.KIND, "exec"));
        registry.add(staying, Map.of(StreamHandler.KIND, "logs"));
        dispatcher.onFrame(open(1, "exec", 0));
        dispatcher.onFrame(open(2, "logs", 0));
        for (int i = 0; i < 500 && sink.of(FrameType.CREDIT).size() < 2; i++) {
            Thread.sleep(10); // both handlers have opened their streams once each granted labd credit
        }
        assertEquals(2, sink.of(FrameType.CREDIT).size());

        registry.remove(going);
        dispatcher.handlerRemoved(going);
        assertTrue(aborted.await(5, TimeUnit.SECONDS));
        Frame error = sink.of(FrameType.ERROR).get(0);
        assertEquals(1, error.stream());
        assertEquals(StreamErrors.CAPABILITY_REMOVED, error.body(StreamError.class).code());
        assertEquals(1, dispatcher.openStreams(), "the logs stream carries on");

        dispatcher.onFrame(open(3, "exec", 0));
        assertEquals(StreamError.NOT_INSTALLED, sink.of(FrameType.ERROR).get(1).body(StreamError.class).code());
    }

    @Test
    void removingAHandlerHandsOverTheStreamsThatCanBeAndEndsTheOthersAfterTheGrace() throws Exception {
        StreamHandler going = (request, ch) -> new StreamReceiver() {
            @Override
            public boolean handOver() {
                if ("hands-off".equals(request.params().get("mode"))) {
                    ch.fail(StreamError.HANDOVER, "file:7:-");  // at once (it has sent its last data)
                }
                return true;  // the other one says yes but never does it
            }
        };
        registry.add(going, Map.of(StreamHandler.KIND, "logs"));
        dispatcher.onFrame(Frame.json(FrameType.OPEN, 1, new StreamOpen("logs", Map.of("mode", "hands-off"), 0)));
        dispatcher.onFrame(Frame.json(FrameType.OPEN, 2, new StreamOpen("logs", Map.of("mode", "stalls"), 0)));
        for (int i = 0; i < 500 && sink.of(FrameType.CREDIT).size() < 2; i++) {
            Thread.sleep(10);  // both opened once each granted labd credit
        }
        assertEquals(2, dispatcher.openStreams());
        registry.remove(going);
        dispatcher.handlerRemoved(going);
        Frame handedOver = sink.of(FrameType.ERROR).get(0);
        assertEquals(1, handedOver.stream());
        assertEquals(StreamError.HANDOVER, handedOver.body(StreamError.class).code());
        assertEquals("file:7:-", handedOver.body(StreamError.class).message());
        assertEquals(1, sink.of(FrameType.ERROR).size(), "the one that agreed gets its grace");
        for (int i = 0; i < 500 && sink.of(FrameType.ERROR).size() < 2; i++) {
            Thread.sleep(10);
        }
        Frame removed = sink.of(FrameType.ERROR).get(1);
        assertEquals(2, removed.stream());
        assertEquals(StreamErrors.CAPABILITY_REMOVED, removed.body(StreamError.class).code());
        assertEquals(0, dispatcher.openStreams());
    }

    @Test
    void aConnectionClosingOnPurposeHandsItsStreamsOverAndTakesNoNewOne() throws Exception {
        StreamHandler logs = (request, ch) -> new StreamReceiver() {
            @Override
            public boolean handOver() {
                ch.fail(StreamError.HANDOVER, "file:1:-");
                return true;
            }
        };
        registry.add(logs, Map.of(StreamHandler.KIND, "logs"));
        dispatcher.onFrame(Frame.json(FrameType.OPEN, 1, new StreamOpen("logs", Map.of(), 0)));
        dispatcher.handOverAll();  // whether or not its handler has returned yet, the stream is handed over
        assertEquals(StreamError.HANDOVER, sink.of(FrameType.ERROR).get(0).body(StreamError.class).code());
        assertEquals(0, dispatcher.openStreams());
        // labd resuming it on this closing connection would see it cut without a cursor: refused, tried again later
        dispatcher.onFrame(Frame.json(FrameType.OPEN, 3, new StreamOpen("logs", Map.of(), 0)));
        Frame refused = sink.of(FrameType.ERROR).get(1);
        assertEquals(3, refused.stream());
        assertEquals(StreamError.AGENT_STOPPING, refused.body(StreamError.class).code());
    }

    @Test
    void protocolViolationsAreReported() throws Exception {
        assertThrows(ProtocolException.class, () -> dispatcher.onFrame(open(0, "exec", 0)));
        assertThrows(ProtocolException.class, () -> dispatcher.onFrame(new Frame(FrameType.OPEN, 4, "nope".getBytes())));
        assertThrows(ProtocolException.class, () -> dispatcher.onFrame(new Frame(FrameType.HELLO, 0, "{}".getBytes())));
        assertThrows(ProtocolException.class, () -> dispatcher.onFrame(new Frame(FrameType.CREDIT, 4, new byte[3])));
        registry.add((request, ch) -> StreamReceiver.IGNORE, Map.of(StreamHandler.KIND, "exec"));
        dispatcher.onFrame(open(4, "exec", 0));
        assertThrows(ProtocolException.class, () -> dispatcher.onFrame(open(4, "exec", 0)));
    }

    @Test
    void aLostConnectionAbortsEveryStreamAndWritesFail() throws Exception {
        CompletableFuture<StreamChannel> channel = new CompletableFuture<>();
        CountDownLatch aborted = new CountDownLatch(1);
        registry.add((request, ch) -> {
            channel.complete(ch);
            return new StreamReceiver() {
                @Override
                public void onAbort(String reason) {
                    aborted.countDown();
                }
            };
        }, Map.of(StreamHandler.KIND, "exec"));
        dispatcher.onFrame(open(11, "exec", 0));
        StreamChannel ch = channel.get(5, TimeUnit.SECONDS);
        CompletableFuture<Throwable> blockedWriter = CompletableFuture.supplyAsync(() -> {
            try {
                ch.write(new byte[] {1}, 0, 1);
                return null;
            } catch (Exception e) {
                return e;
            }
        }, pool);
        Thread.sleep(100);
        dispatcher.abortAll("connection lost");
        assertTrue(aborted.await(5, TimeUnit.SECONDS));
        assertTrue(blockedWriter.get(5, TimeUnit.SECONDS) instanceof java.io.IOException, "a writer waiting for credit is released");
        assertFalse(ch.isOpen());
    }

    @Test
    void theHigherRankedHandlerWins() throws Exception {
        CompletableFuture<String> which = new CompletableFuture<>();
        registry.add((r, ch) -> { which.complete("low"); return null; },
                Map.of(StreamHandler.KIND, "exec", "service.ranking", 0, "service.id", 1L));
        registry.add((r, ch) -> { which.complete("high"); return null; },
                Map.of(StreamHandler.KIND, "exec", "service.ranking", 10, "service.id", 2L));
        dispatcher.onFrame(open(1, "exec", 0));
        assertEquals("high", which.get(5, TimeUnit.SECONDS));
    }

    private Frame waitFor(FrameType type) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            List<Frame> frames = sink.of(type);
            if (!frames.isEmpty()) {
                return frames.get(0);
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no " + type + " frame sent; sent: " + sink.sent);
    }

    @Test
    void outputLargerThanAFrameIsSplit() throws Exception {
        CompletableFuture<StreamChannel> channel = new CompletableFuture<>();
        registry.add((request, ch) -> { channel.complete(ch); return null; }, Map.of(StreamHandler.KIND, "cat"));
        dispatcher.onFrame(open(2, "cat", 1 << 20));
        byte[] big = new byte[Frame.MAX_PAYLOAD * 2 + 5];
        big[big.length - 1] = 42;
        channel.get(5, TimeUnit.SECONDS).outputStream().write(big);
        List<Frame> data = sink.of(FrameType.DATA);
        assertEquals(3, data.size());
        assertArrayEquals(new byte[] {0, 0, 0, 0, 42}, data.get(2).payload());
    }
}
