package io.labctl.agent.logs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.agent.api.StreamReceiver;
import io.labctl.agent.testsupport.RecordingStreamChannel;
import io.labctl.protocol.channel.StreamOpen;
import io.labctl.protocol.logs.LogsRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads real journal files, written from the journal's export format by systemd-journal-remote (no journald
 * needed), through the real journalctl.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JournalSessionTest {
    private static final Path JOURNAL_REMOTE = Path.of("/lib/systemd/systemd-journal-remote");
    private static final String BOOT = UUID.randomUUID().toString().replace("-", "");
    private static final AtomicLong MONOTONIC = new AtomicLong(1_000_000);

    /** One journal entry: when, which unit, which priority, what. */
    private record Entry(String time, String unit, int priority, String message) {}

    private static final List<Entry> ENTRIES = List.of(
            new Entry("2026-01-10T08:00:00Z", "alpha.service", 6, "alpha started"),
            new Entry("2026-01-10T08:10:00Z", "beta.service", 4, "beta disk almost full"),
            new Entry("2026-01-10T08:20:00Z", "alpha.service", 3, "alpha failed to bind"),
            new Entry("2026-01-10T08:30:00Z", "beta.service", 6, "beta heartbeat"),
            new Entry("2026-01-10T08:40:00Z", "alpha.service", 6, "alpha recovered"),
            new Entry("2026-01-10T08:50:00Z", "beta.service", 2, "beta overheated"),
            new Entry("2026-01-10T09:00:00Z", "alpha.service", 7, "alpha debug detail"));

    @TempDir
    static Path journal;
    @TempDir
    Path scratch;

    private LogsHandler handler;

    @BeforeAll
    static void writeJournal() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(JOURNAL_REMOTE),
                JOURNAL_REMOTE + " is not installed (Debian: apt-get install systemd-journal-remote)");
        appendEntries(journal, ENTRIES);
    }

    @AfterEach
    void stopHandler() throws Exception {
        if (handler != null) {
            handler.deactivate();
        }
    }

    @Test
    void withoutFiltersShowsEverythingInOrderWithUtcTimes() throws Exception {
        RecordingStreamChannel channel = read(Map.of());
        assertEquals(ENTRIES.stream().map(Entry::message).toList(), messages(channel));
        assertTrue(channel.text().startsWith("2026-01-10T08:00:00+00"), channel.text());
    }

    @Test
    void filtersByUnit() throws Exception {
        assertEquals(List.of("alpha started", "alpha failed to bind", "alpha recovered", "alpha debug detail"),
                messages(read(Map.of("unit", "alpha.service"))));
    }

    @Test
    void filtersByPriorityAndAbove() throws Exception {
        assertEquals(List.of("alpha failed to bind", "beta overheated"), messages(read(Map.of("priority", "err"))));
    }

    @Test
    void filtersByUnitAndPriority() throws Exception {
        assertEquals(List.of("beta disk almost full", "beta overheated"),
                messages(read(Map.of("unit", "beta.service", "priority", "warning"))));
    }

    @Test
    void filtersBySince() throws Exception {
        assertEquals(List.of("beta heartbeat", "alpha recovered", "beta overheated", "alpha debug detail"),
                messages(read(Map.of("since", "2026-01-10T08:25:00Z"))));
    }

    @Test
    void sinceIncludesAnEntryAtThatSecond() throws Exception {
        assertEquals(List.of("alpha debug detail"), messages(read(Map.of("since", "2026-01-10T09:00:00Z"))));
    }

    @Test
    void showsTheLastNEntries() throws Exception {
        assertEquals(List.of("beta overheated", "alpha debug detail"), messages(read(Map.of("lines", 2))));
    }

    @Test
    void showsTheLastNEntriesOfAUnit() throws Exception {
        assertEquals(List.of("alpha failed to bind", "alpha recovered", "alpha debug detail"),
                messages(read(Map.of("lines", 3, "unit", "alpha.service"))));
    }

    @Test
    void nothingMatchingStillEndsWithZero() throws Exception {
        assertEquals(List.of(), messages(read(Map.of("since", "2026-01-11T00:00:00Z"))));
        assertEquals(List.of(), messages(read(Map.of("unit", "gamma.service"))));
    }

    @Test
    void journalctlFailingFailsTheStreamWithItsMessage() throws Exception {
        handler = new LogsHandler(new JournalSettings("journalctl", scratch.resolve("missing").toString()));
        RecordingStreamChannel channel = new RecordingStreamChannel(LogsRequest.KIND);
        handler.open(open(Map.of()), channel);
        assertTrue(channel.awaitEnd(20_000));
        assertEquals(JournalSession.JOURNAL_FAILED, channel.errorCode());
        assertTrue(channel.errorMessage().contains(scratch.resolve("missing").toString()), channel.errorMessage());
    }

    @Test
    void aMissingJournalctlIsReported() throws Exception {
        handler = new LogsHandler(new JournalSettings(scratch.resolve("no-journalctl").toString(), ""));
        RecordingStreamChannel channel = new RecordingStreamChannel(LogsRequest.KIND);
        handler.open(open(Map.of()), channel);
        assertTrue(channel.awaitEnd(10_000));
        assertEquals(JournalSession.JOURNAL_UNAVAILABLE, channel.errorCode());
    }

    @Test
    void followShowsNewEntriesAndAbortEndsJournalctl() throws Exception {
        Path live = Files.createDirectory(scratch.resolve("live"));
        // the file exists before following: journalctl -f shows what is appended to it at once
        appendEntries(live, List.of(new Entry("2026-01-10T10:00:00Z", "alpha.service", 6, "before following")));
        handler = new LogsHandler(new JournalSettings("journalctl", live.toString()));
        RecordingStreamChannel channel = new RecordingStreamChannel(LogsRequest.KIND);
        StreamReceiver receiver = handler.open(open(Map.of("follow", true, "lines", 0)), channel);
        JournalSession session = assertInstanceOf(JournalSession.class, receiver);
        waitFor(() -> session.process() != null);
        Thread.sleep(500); // journalctl has opened the file and waits at its end
        appendEntries(live, List.of(new Entry("2026-01-10T10:01:00Z", "beta.service", 3, "while following")));
        assertTrue(channel.awaitOutput("while following", 20_000), channel.text());
        assertFalse(channel.text().contains("before following"), channel.text());

        Process journalctl = session.process();
        channel.abortFromLabd("aborted by the test");
        receiver.onAbort("labd ended the stream");
        assertTrue(session.awaitEnd(10_000));
        assertFalse(journalctl.isAlive());
        assertEquals(0, handler.running());
        assertFalse(channel.closed());
    }

    // ---- helpers

    private RecordingStreamChannel read(Map<String, Object> params) throws Exception {
        if (handler == null) {
            handler = new LogsHandler(new JournalSettings("journalctl", journal.toString()));
        }
        RecordingStreamChannel channel = new RecordingStreamChannel(LogsRequest.KIND);
        handler.open(open(params), channel);
        assertTrue(channel.awaitEnd(20_000), "journalctl did not end");
        assertTrue(channel.closed(), () -> "failed: " + channel.errorCode() + ": " + channel.errorMessage());
        assertEquals(0, channel.exitCode());
        return channel;
    }

    static StreamOpen open(Map<String, Object> params) {
        Map<String, Object> p = new HashMap<>(params);
        p.put("source", "journal");
        return new StreamOpen("logs", p, 1 << 20);
    }

    /** The messages of the output's entry lines (journalctl's "-- ... --" notes left out). */
    private static List<String> messages(RecordingStreamChannel channel) {
        return Arrays.stream(channel.text().split("\n"))
                .filter(line -> !line.isEmpty() && !line.startsWith("-- "))
                .map(line -> line.substring(line.indexOf(": ") + 2))
                .toList();
    }

    /** Converts entries in the journal's export format into (or onto) DIR/test.journal. */
    private static void appendEntries(Path dir, List<Entry> entries) throws IOException, InterruptedException {
        StringBuilder export = new StringBuilder();
        for (Entry e : entries) {
            long micros = Instant.parse(e.time()).toEpochMilli() * 1000;
            export.append("__REALTIME_TIMESTAMP=").append(micros).append('\n')
                    .append("__MONOTONIC_TIMESTAMP=").append(MONOTONIC.addAndGet(1000)).append('\n')
                    .append("_BOOT_ID=").append(BOOT).append('\n')
                    .append("_SYSTEMD_UNIT=").append(e.unit()).append('\n')
                    .append("SYSLOG_IDENTIFIER=").append(e.unit().substring(0, e.unit().indexOf('.'))).append('\n')
                    .append("PRIORITY=").append(e.priority()).append('\n')
                    .append("MESSAGE=").append(e.message()).append("\n\n");
        }
        Path file = Files.createTempFile(dir.getParent(), "entries", ".export");
        Files.writeString(file, export, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(JOURNAL_REMOTE.toString(), "--output=" + dir.resolve("test.journal"),
                file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        Files.delete(file);
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!condition.getAsBoolean()) {
            assertTrue(System.currentTimeMillis() < deadline, "timed out");
            Thread.sleep(20);
        }
    }
}
