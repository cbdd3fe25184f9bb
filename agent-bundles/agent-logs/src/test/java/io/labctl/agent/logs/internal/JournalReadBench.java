package io.labctl.agent.logs.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.agent.testsupport.RecordingStreamChannel;
import io.labctl.protocol.channel.StreamOpen;
import io.labctl.protocol.logs.LogsRequest;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test: the figures for bench/RESULTS.md (bench/journal-read.sh runs it with -Djournal.bench=ENTRIES; skipped
 * otherwise). A big journal read the way the agent did before (journalctl formats short-iso, the agent copies its
 * bytes) and the way it does now (journalctl writes JSON, the agent formats each entry and keeps its cursor), in
 * turns; it also checks that both give the same bytes.
 */
class JournalReadBench {
    @TempDir
    Path dir;

    @Test
    void entriesPerSecond() throws Exception {
        int entries = Integer.getInteger("journal.bench", 0);
        Assumptions.assumeTrue(entries > 0, "a benchmark: run with -Djournal.bench=ENTRIES (bench/journal-read.sh)");
        Assumptions.assumeTrue(Files.isExecutable(JournalFormatTest.JOURNAL_REMOTE), "needs systemd-journal-remote");
        int rounds = Integer.getInteger("journal.bench.rounds", 3);
        JournalFormatTest.Export export = new JournalFormatTest.Export();
        for (int i = 0; i < entries; i++) {
            export.entry("0123456789abcdef0123456789abcdef", "_HOSTNAME", "bench-1", "SYSLOG_IDENTIFIER", "app",
                    "_PID", "4242", "_SYSTEMD_UNIT", "app.service", "PRIORITY", "6", "MESSAGE",
                    "request " + i + " served in 12 ms: GET /api/v1/things?page=" + (i % 97) + " 200 OK");
        }
        Path journal = export.write(dir, "big");
        System.out.printf("journal: %d entries, %d MiB of journal files%n", entries,
                Files.size(journal.resolve("x.journal")) >> 20);
        for (int round = 1; round <= rounds; round++) {
            long t0 = System.nanoTime();
            byte[] raw = rawCopy(journal, entries, false);
            long t1 = System.nanoTime();
            byte[] before = rawCopy(journal, entries, true);
            long t2 = System.nanoTime();
            byte[] now = throughTheHandler(journal, entries);
            long t3 = System.nanoTime();
            assertArrayEquals(raw, now, "the same bytes as journalctl's short-iso");
            assertArrayEquals(raw, before);
            System.out.printf("round %d: journalctl short-iso alone %.0f entries/s; before (short-iso copied by the"
                            + " agent's polling loop) %.0f entries/s; now (export, formatted by the agent) %.0f"
                            + " entries/s; %d bytes each%n", round, entries / ((t1 - t0) / 1e9),
                    entries / ((t2 - t1) / 1e9), entries / ((t3 - t2) / 1e9), now.length);
        }
    }

    /**
     * journalctl's own short-iso output, copied as bytes: read as fast as it comes, or the way the agent did before
     * (polling the pipe, a first wait of 5 ms when it is empty, doubling up to 200 ms).
     */
    private static byte[] rawCopy(Path journal, int entries, boolean asTheAgentDid) throws Exception {
        Process p = new ProcessBuilder("journalctl", "--no-pager", "-o", "short-iso", "--utc", "-D", journal.toString(),
                "-n", Integer.toString(entries)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[LogSession.CHUNK];
        try (InputStream in = p.getInputStream()) {
            if (asTheAgentDid) {
                long idle = 5;
                while (true) {
                    int available = in.available();
                    if (available > 0) {
                        int n = in.read(buffer, 0, Math.min(available, buffer.length));
                        out.write(buffer, 0, n);
                        idle = 5;
                    } else if (!p.isAlive()) {
                        break;
                    } else {
                        Thread.sleep(idle);
                        idle = Math.min(idle * 2, 200);
                    }
                }
            }
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
            }
        }
        assertEquals(0, p.waitFor());
        return out.toByteArray();
    }

    /** What the agent does now: the real handler and session, into a recording channel. */
    private static byte[] throughTheHandler(Path journal, int entries) throws Exception {
        LogsHandler handler = new LogsHandler(new JournalSettings("journalctl", journal.toString()));
        try {
            RecordingStreamChannel channel = new RecordingStreamChannel(1, LogsRequest.KIND, Long.MAX_VALUE / 4);
            handler.open(new StreamOpen("logs", Map.of("source", "journal", "lines", entries), 1 << 30),
                    channel);
            assertTrue(channel.awaitEnd(600_000));
            assertTrue(channel.closed(), () -> channel.errorCode() + ": " + channel.errorMessage());
            return channel.output();
        } finally {
            handler.deactivate();
        }
    }
}
