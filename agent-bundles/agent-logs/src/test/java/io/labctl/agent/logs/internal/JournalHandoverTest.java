package io.labctl.agent.logs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal follow handed over from one logs handler (the old version) to another (the new one) with the journal's
 * cursor, on a real journal file that grows while it is followed (systemd-journal-remote appending, the real
 * journalctl reading): every entry once, in order. The cursor is checked as untrusted input on resume.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class JournalHandoverTest {
    private static final long WAIT = 20_000;
    private static final String BOOT = "00112233445566778899aabbccddeeff";

    @TempDir
    Path scratch;
    private Path journal;
    private LogsHandler oldVersion;
    private LogsHandler newVersion;
    private final AtomicInteger written = new AtomicInteger();

    @BeforeEach
    void journal() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(JournalFormatTest.JOURNAL_REMOTE),
                "systemd-journal-remote is not installed (Debian: apt-get install systemd-journal-remote)");
        journal = Files.createDirectory(scratch.resolve("journal"));
        JournalSettings settings = new JournalSettings("journalctl", journal.toString());
        oldVersion = new LogsHandler(settings);
        newVersion = new LogsHandler(settings);
        append(5, "busy.service"); // the file exists before any follow (journalctl -f then sees what is appended)
    }

    @AfterEach
    void stop() throws Exception {
        if (oldVersion != null) {
            oldVersion.deactivate();
            newVersion.deactivate();
        }
    }

    @Test
    void aPlainFollowHandedOverWhileTheJournalGrowsLosesAndRepeatsNoEntry() throws Exception {
        handOverWhileWriting(false);
    }

    @Test
    void aCompressedFollowHandedOverLosesAndRepeatsNoEntry() throws Exception {
        handOverWhileWriting(true);
    }

    private void handOverWhileWriting(boolean deflate) throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            try {
                while (writing.get()) {
                    append(20, "busy.service");
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Map<String, Object> params = params(null);
        if (deflate) {
            params.put("compression", LogsRequest.DEFLATE);
        }
        RecordingStreamChannel first = new RecordingStreamChannel(LogsRequest.KIND);
        StreamReceiver receiver = oldVersion.open(new StreamOpen("logs", params, 1 << 20), first);
        writer.start();
        awaitEntries(first, 60);
        assertTrue(receiver.handOver(), "a journal follow can be handed over");
        assertTrue(first.awaitEnd(WAIT));
        assertEquals(StreamError.HANDOVER, first.errorCode(), first.errorMessage());
        String cursor = first.errorMessage();
        assertTrue(cursor.startsWith("journal:s="), cursor);

        Map<String, Object> resumed = new HashMap<>(params);
        resumed.put(StreamOpen.RESUME, cursor);
        RecordingStreamChannel second = new RecordingStreamChannel(LogsRequest.KIND);
        newVersion.open(new StreamOpen("logs", resumed, 1 << 20), second);
        int after = written.get() + 100;
        while (written.get() < after) {
            Thread.sleep(10);
        }
        writing.set(false);
        writer.join();
        int last = written.get();
        String text = awaitText(first, second, "entry " + last + "\n");
        if (deflate) {
            List<RecordingStreamChannel.Payload> all = new ArrayList<>(first.payloads());
            all.addAll(second.payloads());
            assertTrue(all.stream().allMatch(p -> p.type() == FrameType.DEFLATED), "compressed on both sides");
        }
        // the follow began with the last lines: from the first entry seen, each one once, in order
        assertEveryEntryOnce(text, 1, last);
        assertFalse(second.payloads().isEmpty(), "the new version sent the entries after the handover");
    }

    @Test
    void aFollowThatSentNothingYetHandsOverAtTheJournalsEndAsItWasWhenItBegan() throws Exception {
        // -n 0: nothing shown before the follow; it is handed over before any entry came
        RecordingStreamChannel first = new RecordingStreamChannel(LogsRequest.KIND);
        Map<String, Object> params = params(0);
        StreamReceiver receiver = oldVersion.open(new StreamOpen("logs", params, 1 << 20), first);
        Thread.sleep(300);
        assertTrue(receiver.handOver());
        assertTrue(first.awaitEnd(WAIT));
        assertEquals(StreamError.HANDOVER, first.errorCode(), first.errorMessage());
        assertTrue(first.errorMessage().contains(";i=5;"), "after the 5th entry: " + first.errorMessage());
        append(3, "busy.service");
        params.put(StreamOpen.RESUME, first.errorMessage());
        RecordingStreamChannel second = new RecordingStreamChannel(LogsRequest.KIND);
        StreamReceiver r = newVersion.open(new StreamOpen("logs", params, 1 << 20), second);
        assertEveryEntryOnce(awaitText(first, second, "entry 8\n"), 6, 8);
        r.onAbort("test over");

        // a unit with no entry at all yet: every entry of it that comes is new
        Map<String, Object> quiet = params(null);
        quiet.put("unit", "quiet.service");
        RecordingStreamChannel third = new RecordingStreamChannel(LogsRequest.KIND);
        StreamReceiver q = newVersion.open(new StreamOpen("logs", quiet, 1 << 20), third);
        Thread.sleep(300);
        assertTrue(q.handOver());
        assertTrue(third.awaitEnd(WAIT));
        assertEquals("journal:-", third.errorMessage());
        append(2, "quiet.service");
        quiet.put(StreamOpen.RESUME, "journal:-");
        RecordingStreamChannel fourth = new RecordingStreamChannel(LogsRequest.KIND);
        StreamReceiver f = oldVersion.open(new StreamOpen("logs", quiet, 1 << 20), fourth);
        assertEveryEntryOnce(awaitText(third, fourth, "entry 10\n"), 9, 10);
        f.onAbort("test over");
    }

    @Test
    void aResumeCursorIsCheckedAsUntrustedInput() {
        String good = "s=" + BOOT + ";i=1a;b=" + BOOT + ";m=12;t=5f3;x=9a";
        for (String bad : List.of("", "journal:", "journal:--", "journal:s=1", "file:1:x", "journal:" + good + ";",
                "journal:" + good.toUpperCase(), "journal:" + good.replace("i=1a", "i=1a -f"),
                "journal:" + good.replace("x=9a", "x=9a\n--since=x"), "journal:" + good.replace("i=1a", "i=" + "1".repeat(17)),
                "journal:" + "a".repeat(2000))) {
            Map<String, Object> p = params(null);
            p.put(StreamOpen.RESUME, bad);
            assertThrows(IllegalArgumentException.class, () -> newVersion.open(new StreamOpen("logs", p, 1 << 20),
                    new RecordingStreamChannel(LogsRequest.KIND)), bad);
        }
        Map<String, Object> once = params(null);
        once.put("follow", false);
        once.put(StreamOpen.RESUME, "journal:" + good);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> newVersion.open(
                new StreamOpen("logs", once, 1 << 20), new RecordingStreamChannel(LogsRequest.KIND)));
        assertTrue(e.getMessage().contains("only a follow"), e.getMessage());
        assertEquals(new JournalCursor(good), JournalCursor.parse("journal:" + good));
        assertEquals(BOOT, JournalCursor.parse("journal:" + good).boot());
    }

    @Test
    void aResumeGoesOnAfterTheCursorWithTheSameFiltersAndNoLineCountOrStartTime() {
        String cursor = "s=" + BOOT + ";i=1;b=" + BOOT + ";m=1;t=2;x=3";
        LogsRequest request = LogsRequest.fromParams(Map.of("source", "journal", "follow", true, "lines", 50,
                "unit", "a.service", "priority", "err", "since", "2026-01-02T03:04:05Z"));
        JournalSettings settings = new JournalSettings("journalctl", "/j");
        assertEquals(List.of("journalctl", "--no-pager", "-o", "export", "-D", "/j",
                        "--after-cursor=" + cursor, "-u", "a.service", "-p", "err", "-f"),
                JournalArguments.build(request, settings, new JournalCursor(cursor)));
        assertEquals(List.of("journalctl", "--no-pager", "-o", "export", "-D", "/j", "-n", "all",
                        "--since", "2026-01-02 03:04:05 UTC", "-u", "a.service", "-p", "err", "-f"),
                JournalArguments.build(request, settings, new JournalCursor(JournalCursor.NONE)));
        assertEquals(List.of("journalctl", "--no-pager", "-o", "export", "-D", "/j", "-n", "1",
                        "--since", "2026-01-02 03:04:05 UTC", "-u", "a.service", "-p", "err"),
                JournalArguments.probe(request, settings));
    }

    @Test
    void readsThatEndByThemselvesAreNotHandedOver() throws Exception {
        RecordingStreamChannel channel = new RecordingStreamChannel(1, LogsRequest.KIND, 0); // no credit: stays open
        Map<String, Object> p = params(null);
        p.put("follow", false);
        StreamReceiver once = oldVersion.open(new StreamOpen("logs", p, 0), channel);
        assertFalse(once.handOver(), "a read once runs to its end");
        once.onAbort("test over");
    }

    // ---- helpers

    /** Appends numbered entries ("entry N") to the journal file. */
    private void append(int count, String unit) throws Exception {
        StringBuilder export = new StringBuilder();
        for (int i = 0; i < count; i++) {
            int n = written.incrementAndGet();
            export.append("__REALTIME_TIMESTAMP=").append(1_767_945_600_000_000L + n * 1000L).append('\n')
                    .append("__MONOTONIC_TIMESTAMP=").append(1_000_000L + n).append('\n')
                    .append("_BOOT_ID=").append(BOOT).append('\n')
                    .append("_SYSTEMD_UNIT=").append(unit).append('\n')
                    .append("SYSLOG_IDENTIFIER=busy\n_PID=42\n")
                    .append("MESSAGE=entry ").append(n).append("\n\n");
        }
        Path file = Files.createTempFile(scratch, "entries", ".export");
        Files.writeString(file, export, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(JournalFormatTest.JOURNAL_REMOTE.toString(),
                "--output=" + journal.resolve("test.journal"), file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        Files.delete(file);
    }

    private static void assertEveryEntryOnce(String text, int from, int to) {
        List<String> messages = new ArrayList<>();
        for (String line : text.split("\n")) {
            assertTrue(line.matches("2026-01-09T08:00:\\d\\d\\+0000 busy\\[42\\]: entry \\d+"), line);
            messages.add(line.substring(line.indexOf(": ") + 2));
        }
        List<String> want = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            want.add("entry " + i);
        }
        assertEquals(want, messages, "every entry once, in order");
    }

    private static String awaitText(RecordingStreamChannel first, RecordingStreamChannel second, String end)
            throws Exception {
        long deadline = System.currentTimeMillis() + WAIT;
        String text;
        do {
            List<RecordingStreamChannel.Payload> all = new ArrayList<>(first.payloads());
            all.addAll(second.payloads());
            text = decode(all);
            if (text.endsWith(end)) {
                return text;
            }
            Thread.sleep(20);
        } while (System.currentTimeMillis() < deadline);
        return text;
    }

    private static void awaitEntries(RecordingStreamChannel channel, int entries) throws Exception {
        long deadline = System.currentTimeMillis() + WAIT;
        while (decode(channel.payloads()).split("\n").length < entries && System.currentTimeMillis() < deadline) {
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

    private static Map<String, Object> params(Integer lines) {
        Map<String, Object> p = new HashMap<>();
        p.put("source", "journal");
        p.put("follow", true);
        if (lines != null) {
            p.put("lines", lines);
        }
        return p;
    }
}
