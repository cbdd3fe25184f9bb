package io.labctl.agent.logs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.agent.api.StreamReceiver;
import io.labctl.agent.testsupport.RecordingStreamChannel;
import io.labctl.protocol.channel.FrameType;
import io.labctl.protocol.channel.StreamDecompressor;
import io.labctl.protocol.channel.StreamError;
import io.labctl.protocol.channel.StreamOpen;
import io.labctl.protocol.logs.LogsRequest;
import java.io.ByteArrayOutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A followed file handed over from one logs handler (the old version) to another (the new one) with a cursor: every
 * line once, in order, plain and compressed; the cursor checked as untrusted input on resume.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LogHandoverTest {
    private static final long WAIT = 10_000;

    @TempDir
    Path scratch;
    private Path allowed;
    private final LogsHandler oldVersion = new LogsHandler(JournalSettings.DEFAULT);
    private final LogsHandler newVersion = new LogsHandler(JournalSettings.DEFAULT);

    @BeforeEach
    void folders() throws Exception {
        allowed = Files.createDirectory(scratch.resolve("allowed")).toRealPath();
    }

    @AfterEach
    void stop() throws Exception {
        oldVersion.deactivate();
        newVersion.deactivate();
    }

    @Test
    void aPlainFollowHandedOverWhileTheFileGrowsLosesAndRepeatsNoLine() throws Exception {
        handOverWhileWriting(false);
    }

    @Test
    void aCompressedFollowEndsItsDeflateStreamAndTheNextOneStartsAnother() throws Exception {
        handOverWhileWriting(true);
    }

    private void handOverWhileWriting(boolean deflate) throws Exception {
        Path log = Files.writeString(allowed.resolve("busy.log"), "");
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger written = new AtomicInteger();
        Thread writer = new Thread(() -> {
            try (Writer w = Files.newBufferedWriter(log, StandardOpenOption.APPEND)) {
                while (writing.get()) {
                    w.write("line " + written.incrementAndGet() + "\n");
                    if (written.get() % 50 == 0) {
                        w.flush();
                        Thread.sleep(1);
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        Map<String, Object> params = params(log, true);
        if (deflate) {
            params.put("compression", LogsRequest.DEFLATE);
        }
        RecordingStreamChannel first = new RecordingStreamChannel(LogsRequest.KIND);
        StreamReceiver receiver = oldVersion.open(new StreamOpen("logs", params, 1 << 20), first);
        awaitLines(first, deflate, 2_000);
        assertTrue(receiver.handOver(), "a follow can be handed over");
        assertTrue(first.awaitEnd(WAIT));
        assertEquals(StreamError.HANDOVER, first.errorCode(), first.errorMessage());
        String cursor = first.errorMessage();
        assertTrue(cursor.startsWith("file:"), cursor);

        Map<String, Object> resumed = new HashMap<>(params);
        resumed.put(StreamOpen.RESUME, cursor);
        RecordingStreamChannel second = new RecordingStreamChannel(LogsRequest.KIND);
        newVersion.open(new StreamOpen("logs", resumed, 1 << 20), second);
        int after = written.get() + 2_000;
        while (written.get() < after) {
            Thread.sleep(10);
        }
        writing.set(false);
        writer.join();
        int last = written.get();
        List<RecordingStreamChannel.Payload> all = new java.util.ArrayList<>(first.payloads());
        long deadline = System.currentTimeMillis() + WAIT;
        String text;
        do {
            all = new java.util.ArrayList<>(first.payloads());
            all.addAll(second.payloads());
            text = decode(all);
        } while (!text.endsWith("line " + last + "\n") && System.currentTimeMillis() < deadline);
        if (deflate) {
            assertTrue(all.stream().allMatch(p -> p.type() == FrameType.DEFLATED), "compressed on both sides");
        }
        // the follow started at the end of the file as it was then (-n 0): from that line on, each one once, in order
        String[] lines = text.split("\n");
        int firstSeen = Integer.parseInt(lines[0].substring("line ".length()));
        assertEquals(last - firstSeen + 1, lines.length, "every line once from the first one seen");
        for (int i = 0; i < lines.length; i++) {
            assertEquals("line " + (firstSeen + i), lines[i], "in order, no line lost or repeated");
        }
        assertFalse(second.payloads().isEmpty(), "the new version sent the lines after the handover");
    }

    @Test
    void aCursorIsCheckedAsUntrustedInput() throws Exception {
        Path log = Files.writeString(allowed.resolve("app.log"), "one\ntwo\n");
        for (String bad : List.of("", "file:", "file:-1:x", "file:1:a b", "file:99999999999999999999:x", "journal:1",
                "file:1:" + "k".repeat(300))) {
            Map<String, Object> p = params(log, true);
            p.put(StreamOpen.RESUME, bad);
            assertThrows(IllegalArgumentException.class,
                    () -> newVersion.open(new StreamOpen("logs", p, 1 << 20), new RecordingStreamChannel(LogsRequest.KIND)),
                    bad);
        }
        Map<String, Object> number = params(log, true);
        number.put(StreamOpen.RESUME, 42);
        assertThrows(IllegalArgumentException.class,
                () -> newVersion.open(new StreamOpen("logs", number, 1 << 20), new RecordingStreamChannel(LogsRequest.KIND)));
        Map<String, Object> once = params(log, false);
        once.put(StreamOpen.RESUME, "file:0:-");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> newVersion.open(new StreamOpen("logs", once, 1 << 20), new RecordingStreamChannel(LogsRequest.KIND)));
        assertTrue(e.getMessage().contains("only a followed file"), e.getMessage());
    }

    @Test
    void aResumeIsStillHeldToThePathPolicy() throws Exception {
        Path outside = Files.createDirectory(scratch.resolve("outside")).toRealPath();
        Path secret = Files.writeString(outside.resolve("secret.log"), "secret\n");
        Object key = Files.readAttributes(secret, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        Map<String, Object> p = params(secret, true);
        p.put(StreamOpen.RESUME, LogCursor.at(key, 0).text());
        RecordingStreamChannel channel = new RecordingStreamChannel(LogsRequest.KIND);
        newVersion.open(new StreamOpen("logs", p, 1 << 20), channel);
        assertTrue(channel.awaitEnd(WAIT));
        assertEquals(FileTail.PATH_NOT_ALLOWED, channel.errorCode());
        assertEquals("", channel.text());
    }

    @Test
    void aCursorForAnotherFileOrPastTheEndStartsTheFileFromItsBeginning() throws Exception {
        Path log = Files.writeString(allowed.resolve("rotated.log"), "new one\nnew two\n");
        Object key = Files.readAttributes(log, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        for (String cursor : List.of("file:3:(dev=1,ino=1)", LogCursor.at(key, 1_000).text(), "file:5:-")) {
            Map<String, Object> p = params(log, true);
            p.put(StreamOpen.RESUME, cursor);
            RecordingStreamChannel channel = new RecordingStreamChannel(LogsRequest.KIND);
            StreamReceiver r = newVersion.open(new StreamOpen("logs", p, 1 << 20), channel);
            assertTrue(channel.awaitOutput("new one\nnew two\n", WAIT), cursor + ": " + channel.text());
            r.onAbort("test over");
        }
        Map<String, Object> p = params(log, true);
        p.put(StreamOpen.RESUME, LogCursor.at(key, 8).text());
        RecordingStreamChannel channel = new RecordingStreamChannel(LogsRequest.KIND);
        StreamReceiver r = newVersion.open(new StreamOpen("logs", p, 1 << 20), channel);
        assertTrue(channel.awaitOutput("new two\n", WAIT), channel.text());
        Thread.sleep(3 * FileTail.POLL.toMillis());
        assertEquals("new two\n", channel.text(), "on from the cursor's byte, not the last lines");
        r.onAbort("test over");
    }

    @Test
    void readsThatEndByThemselvesAreNotHandedOver() throws Exception {
        Path log = Files.writeString(allowed.resolve("once.log"), "x\n".repeat(10));
        RecordingStreamChannel channel = new RecordingStreamChannel(1, LogsRequest.KIND, 0);  // no credit: stays open
        StreamReceiver once = oldVersion.open(new StreamOpen("logs", params(log, false), 0), channel);
        assertFalse(once.handOver(), "a read once runs to its end");
        once.onAbort("test over");
    }

    @Test
    void cursorsRoundTrip() {
        LogCursor c = LogCursor.at("(dev=803,ino=4242)", 123);
        assertEquals("file:123:(dev=803,ino=4242)", c.text());
        assertEquals(c, LogCursor.parse(c.text()));
        assertTrue(c.names("(dev=803,ino=4242)"));
        assertFalse(c.names("(dev=803,ino=4243)"));
        assertFalse(LogCursor.at(null, 0).names("-"), "no file names nothing");
        assertNotNull(LogCursor.at("a key with spaces", 0).text());
    }

    private void awaitLines(RecordingStreamChannel channel, boolean deflate, int lines) throws Exception {
        long deadline = System.currentTimeMillis() + WAIT;
        while (channel.text().split("\n").length < lines && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
    }

    private static String decode(List<RecordingStreamChannel.Payload> payloads) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (StreamDecompressor inflater = new StreamDecompressor()) {
            for (RecordingStreamChannel.Payload p : payloads) {
                if (p.type() == FrameType.DEFLATED) {
                    inflater.decode(p.bytes(), out::write);
                } else {
                    out.write(p.bytes());
                }
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private Map<String, Object> params(Path path, boolean follow) {
        Map<String, Object> p = new HashMap<>();
        p.put("source", "file");
        p.put("path", path.toString());
        p.put("follow", follow);
        p.put("lines", 0);
        p.put("allow", List.of(allowed + "/**"));
        return p;
    }
}
