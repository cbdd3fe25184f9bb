package io.labctl.agent.logs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.agent.api.StreamReceiver;
import io.labctl.agent.testsupport.RecordingStreamChannel;
import io.labctl.protocol.channel.FrameType;
import io.labctl.protocol.channel.StreamOpen;
import io.labctl.protocol.logs.LogsRequest;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FileTailTest {
    private static final long WAIT = 10_000;
    /** Long enough for the tail to have polled the file at least twice. */
    private static final long SETTLE = 3 * FileTail.POLL.toMillis();

    @TempDir
    Path scratch;
    private Path allowed;
    private Path outside;
    private final LogsHandler handler = new LogsHandler(JournalSettings.DEFAULT);

    @BeforeEach
    void folders() throws Exception {
        allowed = Files.createDirectory(scratch.resolve("allowed")).toRealPath();
        outside = Files.createDirectory(scratch.resolve("outside")).toRealPath();
    }

    @AfterEach
    void stopHandler() throws Exception {
        handler.deactivate();
    }

    // ---- reading once

    @Test
    void showsTheLastLinesAndCloses() throws Exception {
        Path log = write(allowed.resolve("app.log"), lines(1, 10));
        RecordingStreamChannel channel = readOnce(log, 3);
        assertEquals(lines(8, 10), channel.text());
        assertEquals(0, channel.exitCode());
    }

    @Test
    void showsTwoHundredLinesByDefault() throws Exception {
        Path log = write(allowed.resolve("app.log"), lines(1, 250));
        assertEquals(lines(51, 250), readOnce(log, null).text());
    }

    @Test
    void aLastLineWithoutNewlineCountsAsALine() throws Exception {
        Path log = write(allowed.resolve("app.log"), "one\ntwo\nthree");
        assertEquals("two\nthree", readOnce(log, 2).text());
    }

    @Test
    void fewerLinesThanAskedShowsTheWholeFile() throws Exception {
        Path log = write(allowed.resolve("app.log"), lines(1, 4));
        assertEquals(lines(1, 4), readOnce(log, 100).text());
        Path empty = write(allowed.resolve("empty.log"), "");
        assertEquals("", readOnce(empty, 5).text());
    }

    @Test
    void zeroLinesShowsNothing() throws Exception {
        Path log = write(allowed.resolve("app.log"), lines(1, 4));
        assertEquals("", readOnce(log, 0).text());
    }

    @Test
    void findsLineStartsAcrossScanBlocks() throws Exception {
        // lines longer than the backwards scan's block, and a count that ends exactly at a block's edge
        String longLine = "x".repeat(20_000);
        String content = "first\n" + longLine + "\n" + longLine + "\nlast\n";
        Path log = write(allowed.resolve("long.log"), content);
        try (FileChannel ch = FileChannel.open(log)) {
            assertEquals(content.indexOf(longLine), FileTail.startOfLastLines(ch, ch.size(), 3));
            assertEquals(0, FileTail.startOfLastLines(ch, ch.size(), 4));
            assertEquals(content.length() - 5, FileTail.startOfLastLines(ch, ch.size(), 1));
        }
    }

    @Test
    void sendsInChunksThatFitAFrameAndWaitsForCredit() throws Exception {
        String content = lines(1, 20_000); // about 200 KiB
        Path log = write(allowed.resolve("big.log"), content);
        RecordingStreamChannel channel = new RecordingStreamChannel(3, LogsRequest.KIND, 0);
        handler.open(file(log, 20_000, false), channel);
        long deadline = System.currentTimeMillis() + WAIT;
        while (!channel.writerWaitingForCredit()) {
            assertTrue(System.currentTimeMillis() < deadline);
            Thread.sleep(10);
        }
        assertTrue(channel.payloads().isEmpty());
        channel.grant(Long.MAX_VALUE / 2);
        assertTrue(channel.awaitEnd(WAIT));
        assertEquals(content, channel.text());
        assertTrue(channel.payloads().stream().allMatch(p -> p.bytes().length <= LogSession.CHUNK));
    }

    @Test
    void aMissingFileWithoutFollowIsNotFound() throws Exception {
        RecordingStreamChannel channel = new RecordingStreamChannel(LogsRequest.KIND);
        handler.open(file(allowed.resolve("nope.log"), null, false), channel);
        assertTrue(channel.awaitEnd(WAIT));
        assertEquals(FileTail.FILE_NOT_FOUND, channel.errorCode());
    }

    @Test
    void aDirectoryIsNotAFile() throws Exception {
        Path dir = Files.createDirectory(allowed.resolve("dir"));
        RecordingStreamChannel channel = new RecordingStreamChannel(LogsRequest.KIND);
        handler.open(file(dir, null, false), channel);
        assertTrue(channel.awaitEnd(WAIT));
        assertEquals(FileTail.NOT_A_FILE, channel.errorCode());
    }

    // ---- the allow-list

    @Test
    void aPathOutsideTheGlobsIsRefused() throws Exception {
        Path secret = write(outside.resolve("secret.log"), "secret\n");
        RecordingStreamChannel channel = new RecordingStreamChannel(LogsRequest.KIND);
        handler.open(file(secret, null, false), channel);
        assertTrue(channel.awaitEnd(WAIT));
        assertEquals(FileTail.PATH_NOT_ALLOWED, channel.errorCode());
        assertEquals(secret + " is outside the paths your roles may read (" + allowed + "/**)",
                channel.errorMessage());
        assertEquals("", channel.text());
    }

    @Test
    void aLinkInsideTheGlobsLeadingOutsideIsRefused() throws Exception {
        Path secret = write(outside.resolve("secret.log"), "secret\n");
        Path link = Files.createSymbolicLink(allowed.resolve("innocent.log"), secret);
        RecordingStreamChannel channel = new RecordingStreamChannel(LogsRequest.KIND);
        handler.open(file(link, null, false), channel);
        assertTrue(channel.awaitEnd(WAIT));
        assertEquals(FileTail.PATH_NOT_ALLOWED, channel.errorCode());
        assertTrue(channel.errorMessage().startsWith(link + " is outside"), channel.errorMessage());
        assertEquals("", channel.text());
    }

    @Test
    void dotDotCannotLeaveTheGlobs() throws Exception {
        write(outside.resolve("secret.log"), "secret\n");
        RecordingStreamChannel channel = new RecordingStreamChannel(LogsRequest.KIND);
        handler.open(file(Path.of(allowed + "/../outside/secret.log"), null, false), channel);
        assertTrue(channel.awaitEnd(WAIT));
        assertEquals(FileTail.PATH_NOT_ALLOWED, channel.errorCode());
    }

    @Test
    void aMissingFileOutsideTheGlobsIsRefusedNotReportedMissing() throws Exception {
        RecordingStreamChannel channel = new RecordingStreamChannel(LogsRequest.KIND);
        handler.open(file(outside.resolve("nope.log"), null, true), channel);
        assertTrue(channel.awaitEnd(WAIT));
        assertEquals(FileTail.PATH_NOT_ALLOWED, channel.errorCode());
    }

    @Test
    void noAllowListRefusesEveryFile() throws Exception {
        Path log = write(allowed.resolve("app.log"), "x\n");
        Map<String, Object> params = new HashMap<>(Map.of("source", "file", "path", log.toString()));
        RecordingStreamChannel channel = new RecordingStreamChannel(LogsRequest.KIND);
        handler.open(new StreamOpen("logs", params, 1 << 20), channel);
        assertTrue(channel.awaitEnd(WAIT));
        assertEquals(FileTail.PATH_NOT_ALLOWED, channel.errorCode());
        assertTrue(channel.errorMessage().endsWith("(none)"), channel.errorMessage());
    }

    @Test
    void aLinkWithinTheGlobsIsFollowed() throws Exception {
        Path log = write(Files.createDirectories(allowed.resolve("a/b")).resolve("deep.log"), "deep\n");
        Path link = Files.createSymbolicLink(allowed.resolve("current"), log);
        assertEquals("deep\n", readOnce(link, 5).text());
    }

    @Test
    void globsMatchAtAnyDepth() {
        PathPolicy policy = new PathPolicy(List.of("/var/log/**", "/srv/*/app.log"));
        assertTrue(policy.allows(Path.of("/var/log/syslog")));
        assertTrue(policy.allows(Path.of("/var/log/nginx/access.log")));
        assertTrue(policy.allows(Path.of("/var/log/a/b/c/d.log")));
        assertTrue(policy.allows(Path.of("/srv/shop/app.log")));
        assertFalse(policy.allows(Path.of("/srv/shop/data/app.log")));
        assertFalse(policy.allows(Path.of("/var/logs/x")));
        assertFalse(policy.allows(Path.of("/etc/shadow")));
        assertFalse(new PathPolicy(List.of("/var/log/[")).allows(Path.of("/var/log/x")));
    }

    // ---- following

    @Test
    void followSeesAppendedLines() throws Exception {
        Path log = write(allowed.resolve("app.log"), lines(1, 5));
        RecordingStreamChannel channel = new RecordingStreamChannel(LogsRequest.KIND);
        handler.open(file(log, 2, true), channel);
        assertTrue(channel.awaitOutput(lines(4, 5), WAIT));
        append(log, lines(6, 8));
        assertTrue(channel.awaitOutput(lines(4, 8), WAIT), channel.text());
        Thread.sleep(SETTLE);
        assertEquals(lines(4, 8), channel.text());
        assertTrue(channel.isOpen());
    }

    @Test
    void aFollowerIsWokenByTheChangeItselfNotByThePoll() throws Exception {
        Path log = write(allowed.resolve("woken.log"), lines(1, 3));
        RecordingStreamChannel channel = new RecordingStreamChannel(LogsRequest.KIND);
        // a poll so long that only the directory's change notices can bring the new lines within WAIT
        FileTail tail = new FileTail(channel, false, log, new PathPolicy(List.of(allowed + "/**")), 1, true,
                null, java.time.Duration.ofHours(1), "test", s -> { });
        tail.start();
        try {
            assertTrue(channel.awaitOutput(lines(3, 3), WAIT), channel.text());
            append(log, lines(4, 6));
            assertTrue(channel.awaitOutput(lines(3, 6), WAIT), channel.text());
            // a rename rotation is a change of the directory too
            Files.move(log, allowed.resolve("woken.log.1"));
            write(log, lines(7, 7));
            assertTrue(channel.awaitOutput(lines(3, 7), WAIT), channel.text());
        } finally {
            tail.onAbort("test over");
            assertTrue(tail.awaitEnd(WAIT));
        }
    }

    @Test
    void aBusyFileGoesOutInFewerFramesThanItHasWrites() throws Exception {
        Path log = write(allowed.resolve("busy.log"), "");
        RecordingStreamChannel channel = new RecordingStreamChannel(LogsRequest.KIND);
        handler.open(file(log, 0, true), channel);
        Thread.sleep(SETTLE);  // following, at the end of the empty file
        StringBuilder all = new StringBuilder();
        for (int i = 1; i <= 200; i++) {
            String line = "line " + i + "\n";
            append(log, line);
            all.append(line);
            Thread.sleep(1);
        }
        assertTrue(channel.awaitOutput(all.toString(), WAIT), channel.text());
        // one write per millisecond: unbatched that is a frame per write; the linger makes it one per 10 ms or so
        assertTrue(channel.payloads().size() <= 100, channel.payloads().size() + " frames for 200 writes");
    }

    // ---- compression

    @Test
    void aDeflatedReadSendsDeflatedFramesThatDecodeToTheFile() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 40_000; i++) {
            text.append("2026-11-26T12:00:00.").append(i).append(" INFO web.access: GET /items/").append(i % 97)
                    .append(" status=200\n");
        }
        Path log = write(allowed.resolve("big.log"), text.toString());
        RecordingStreamChannel channel = new RecordingStreamChannel(LogsRequest.KIND);
        Map<String, Object> params = fileParams(log, LogsRequest.MAX_LINES, false);
        params.put("compression", LogsRequest.DEFLATE);
        handler.open(new StreamOpen("logs", params, 1 << 20), channel);
        assertTrue(channel.awaitEnd(WAIT));
        assertEquals(0, channel.exitCode(), channel.errorMessage());
        assertEquals(text.toString(), channel.text());
        List<RecordingStreamChannel.Payload> sent = channel.payloads();
        assertTrue(sent.stream().allMatch(p -> p.type() == FrameType.DEFLATED), "every frame DEFLATED");
        long bytes = sent.stream().mapToLong(p -> p.bytes().length).sum();
        assertTrue(bytes * 4 < channel.output().length, bytes + " bytes on the wire for " + channel.output().length);
    }

    @Test
    void aDeflatedFollowSendsEachNewLineBeforeItWaitsForMore() throws Exception {
        Path log = write(allowed.resolve("quiet.log"), "");
        RecordingStreamChannel channel = new RecordingStreamChannel(LogsRequest.KIND);
        Map<String, Object> params = fileParams(log, 0, true);
        params.put("compression", LogsRequest.DEFLATE);
        handler.open(new StreamOpen("logs", params, 1 << 20), channel);
        Thread.sleep(SETTLE);
        append(log, "one line\n");
        // held back in the compressor it would never arrive: nothing more is written to wake the tail
        assertTrue(channel.awaitOutput("one line\n", WAIT), channel.text());
        append(log, "and another\n");
        assertTrue(channel.awaitOutput("one line\nand another\n", WAIT), channel.text());
        assertTrue(channel.payloads().stream().allMatch(p -> p.type() == FrameType.DEFLATED));
    }

    @Test
    void withoutCompressionOrWithAnUnknownOneTheLogGoesAsPlainData() throws Exception {
        Path log = write(allowed.resolve("plain.log"), lines(1, 5));
        for (String compression : new String[] {null, "zstd"}) {
            RecordingStreamChannel channel = new RecordingStreamChannel(LogsRequest.KIND);
            Map<String, Object> params = fileParams(log, null, false);
            params.put("compression", compression);
            handler.open(new StreamOpen("logs", params, 1 << 20), channel);
            assertTrue(channel.awaitEnd(WAIT));
            assertEquals(lines(1, 5), channel.text());
            assertTrue(channel.payloads().stream().allMatch(p -> p.type() == FrameType.DATA), compression);
        }
    }

    @Test
    void followContinuesAcrossARenameRotation() throws Exception {
        Path log = write(allowed.resolve("app.log"), lines(1, 3));
        RecordingStreamChannel channel = new RecordingStreamChannel(LogsRequest.KIND);
        handler.open(file(log, null, true), channel);
        assertTrue(channel.awaitOutput(lines(1, 3), WAIT));
        append(log, lines(4, 4));
        Path rotated = Files.move(log, allowed.resolve("app.log.1"));
        // the writer still has the old file: what it adds before reopening is read from there
        append(rotated, lines(5, 5));
        Thread.sleep(SETTLE); // the path is missing for a while: the tail waits for it
        write(log, lines(6, 7));
        assertTrue(channel.awaitOutput(lines(1, 7), WAIT), channel.text());
        append(log, lines(8, 9));
        assertTrue(channel.awaitOutput(lines(1, 9), WAIT), channel.text());
        Thread.sleep(SETTLE);
        assertEquals(lines(1, 9), channel.text());
    }

    @Test
    void followContinuesAfterAQuickRotation() throws Exception {
        Path log = write(allowed.resolve("app.log"), lines(1, 3));
        RecordingStreamChannel channel = new RecordingStreamChannel(LogsRequest.KIND);
        handler.open(file(log, null, true), channel);
        assertTrue(channel.awaitOutput(lines(1, 3), WAIT));
        // renamed and recreated between two polls, with the new file already longer than the old one
        Path rotated = Files.move(log, allowed.resolve("app.log.1"));
        append(rotated, lines(4, 4));
        write(log, lines(5, 20));
        assertTrue(channel.awaitOutput(lines(1, 20), WAIT), channel.text());
        Thread.sleep(SETTLE);
        assertEquals(lines(1, 20), channel.text());
    }

    @Test
    void followContinuesAcrossTruncation() throws Exception {
        Path log = write(allowed.resolve("app.log"), "an old line that is long\nanother old line\n");
        RecordingStreamChannel channel = new RecordingStreamChannel(LogsRequest.KIND);
        handler.open(file(log, null, true), channel);
        assertTrue(channel.awaitOutput("another old line\n", WAIT));
        // copytruncate: same file, emptied, then written from the start
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
        append(log, "new 1\n");
        assertTrue(channel.awaitOutput("new 1\n", WAIT), channel.text());
        append(log, "new 2\n");
        assertTrue(channel.awaitOutput("new 2\n", WAIT), channel.text());
        Thread.sleep(SETTLE);
        assertEquals("an old line that is long\nanother old line\nnew 1\nnew 2\n", channel.text());
    }

    @Test
    void followWaitsForAFileThatIsNotThereYet() throws Exception {
        Path log = allowed.resolve("later.log");
        RecordingStreamChannel channel = new RecordingStreamChannel(LogsRequest.KIND);
        handler.open(file(log, 1, true), channel);
        Thread.sleep(SETTLE);
        assertTrue(channel.isOpen());
        write(log, lines(1, 3));
        assertTrue(channel.awaitOutput(lines(1, 3), WAIT), channel.text());
    }

    @Test
    void aRotationToALinkLeadingOutsideIsRefused() throws Exception {
        Path log = write(allowed.resolve("app.log"), lines(1, 2));
        Path secret = write(outside.resolve("secret.log"), "secret\n");
        RecordingStreamChannel channel = new RecordingStreamChannel(LogsRequest.KIND);
        handler.open(file(log, null, true), channel);
        assertTrue(channel.awaitOutput(lines(1, 2), WAIT));
        Files.delete(log);
        Files.createSymbolicLink(log, secret);
        assertTrue(channel.awaitEnd(WAIT));
        assertEquals(FileTail.PATH_NOT_ALLOWED, channel.errorCode());
        assertFalse(channel.text().contains("secret"));
    }

    @Test
    void abortStopsFollowing() throws Exception {
        Path log = write(allowed.resolve("app.log"), lines(1, 2));
        RecordingStreamChannel channel = new RecordingStreamChannel(LogsRequest.KIND);
        StreamReceiver receiver = handler.open(file(log, null, true), channel);
        assertTrue(channel.awaitOutput(lines(1, 2), WAIT));
        channel.abortFromLabd("aborted by the test");
        receiver.onAbort("labd ended the stream");
        LogSession session = assertInstanceOf(LogSession.class, receiver);
        assertTrue(session.awaitEnd(WAIT), "the tail's thread is still running");
        assertEquals(0, handler.running());
        assertNull(channel.errorCode());
    }

    @Test
    void abortWhileWaitingForCreditStopsToo() throws Exception {
        Path log = write(allowed.resolve("app.log"), lines(1, 1000));
        RecordingStreamChannel channel = new RecordingStreamChannel(4, LogsRequest.KIND, 0);
        StreamReceiver receiver = handler.open(file(log, null, true), channel);
        long deadline = System.currentTimeMillis() + WAIT;
        while (!channel.writerWaitingForCredit()) {
            assertTrue(System.currentTimeMillis() < deadline);
            Thread.sleep(10);
        }
        receiver.onAbort("connection lost");
        assertTrue(((LogSession) receiver).awaitEnd(WAIT));
        assertEquals(0, handler.running());
    }

    @Test
    void deactivationHandsFollowsOverAndEndsOtherStreams() throws Exception {
        Path log = write(allowed.resolve("app.log"), lines(1, 2));
        RecordingStreamChannel channel = new RecordingStreamChannel(LogsRequest.KIND);
        handler.open(file(log, null, true), channel);
        assertTrue(channel.awaitOutput(lines(1, 2), WAIT));
        // a read once that waits for credit cannot be handed over: it ends
        RecordingStreamChannel stuck = new RecordingStreamChannel(2, LogsRequest.KIND, 0);
        handler.open(file(log, null, false), stuck);
        handler.deactivate();
        assertEquals(io.labctl.protocol.channel.StreamError.HANDOVER, channel.errorCode(), "labd resumes it later");
        assertEquals(LogCursor.at(Files.readAttributes(log, java.nio.file.attribute.BasicFileAttributes.class).fileKey(),
                Files.size(log)).text(), channel.errorMessage());
        assertEquals(LogSession.CAPABILITY_REMOVED, stuck.errorCode());
        assertEquals(0, handler.running());
    }

    // ---- the agent's own log

    @Test
    void agentSourceReadsTheFileNamedByKarafLog() throws Exception {
        String before = System.getProperty("karaf.log");
        Path logDir = Files.createDirectory(scratch.resolve("karaf-log"));
        write(logDir.resolve("karaf.log"), lines(1, 5));
        System.setProperty("karaf.log", logDir.toString());
        try {
            RecordingStreamChannel channel = new RecordingStreamChannel(LogsRequest.KIND);
            // no allow-list: the agent's own log needs none
            handler.open(new StreamOpen("logs", new HashMap<>(Map.of("source", "agent", "lines", 2)), 1 << 20),
                    channel);
            assertTrue(channel.awaitEnd(WAIT));
            assertEquals(0, channel.exitCode(), channel.errorMessage());
            assertEquals(lines(4, 5), channel.text());
        } finally {
            restore("karaf.log", before);
        }
    }

    @Test
    void agentLogFallsBackToKarafData() {
        String log = System.getProperty("karaf.log");
        String data = System.getProperty("karaf.data");
        try {
            System.clearProperty("karaf.log");
            System.setProperty("karaf.data", "/opt/agent/data");
            assertEquals(Path.of("/opt/agent/data/log/karaf.log"), LogsHandler.agentLog());
            System.clearProperty("karaf.data");
            assertNull(LogsHandler.agentLog());
        } finally {
            restore("karaf.log", log);
            restore("karaf.data", data);
        }
    }

    // ---- helpers

    private RecordingStreamChannel readOnce(Path path, Integer lines) throws Exception {
        RecordingStreamChannel channel = new RecordingStreamChannel(LogsRequest.KIND);
        handler.open(file(path, lines, false), channel);
        assertTrue(channel.awaitEnd(WAIT));
        assertTrue(channel.closed(), () -> channel.errorCode() + ": " + channel.errorMessage());
        return channel;
    }

    private StreamOpen file(Path path, Integer lines, boolean follow) {
        return new StreamOpen("logs", fileParams(path, lines, follow), 1 << 20);
    }

    private Map<String, Object> fileParams(Path path, Integer lines, boolean follow) {
        Map<String, Object> p = new HashMap<>();
        p.put("source", "file");
        p.put("path", path.toString());
        p.put("follow", follow);
        p.put("lines", lines);
        p.put("allow", List.of(allowed + "/**"));
        return p;
    }

    private static String lines(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "line " + i + "\n").collect(Collectors.joining());
    }

    private static Path write(Path path, String text) throws Exception {
        return Files.writeString(path, text, StandardCharsets.UTF_8);
    }

    private static void append(Path path, String text) throws Exception {
        Files.writeString(path, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
