package io.labctl.agent.logs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's formatting of journalctl's export output against journalctl's own short-iso output, on the same real journal
 * files (written from the export format by systemd-journal-remote): the same bytes, for hand-picked hard entries and
 * for thousands of random ones.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JournalFormatTest {
    static final Path JOURNAL_REMOTE = Path.of("/lib/systemd/systemd-journal-remote");
    private static final String BOOT_A = "0123456789abcdef0123456789abcdef";
    private static final String BOOT_B = "fedcba9876543210fedcba9876543210";

    @TempDir
    static Path dir;

    @BeforeAll
    static void needsJournalRemote() {
        Assumptions.assumeTrue(Files.isExecutable(JOURNAL_REMOTE),
                JOURNAL_REMOTE + " is not installed (Debian: apt-get install systemd-journal-remote)");
    }

    @Test
    void hardEntriesLookAsJournalctlShowsThem() throws Exception {
        Export e = new Export();
        e.entry(BOOT_A, "_HOSTNAME", "h1", "SYSLOG_IDENTIFIER", "alpha", "_PID", "12", "MESSAGE", "plain");
        e.entry(BOOT_A, "_HOSTNAME", "h1", "SYSLOG_IDENTIFIER", "alpha", "SYSLOG_PID", "99", "MESSAGE", "syslog pid");
        e.entry(BOOT_A, "_HOSTNAME", "h1", "_COMM", "bash", "_PID", "7", "MESSAGE", "command only");
        e.entry(BOOT_A, "MESSAGE", "nothing else");
        e.entry(BOOT_A, "_PID", "5", "MESSAGE", "unknown\nis not counted\nin the indent");
        e.entry(BOOT_A, "_HOSTNAME", "h1", "SYSLOG_IDENTIFIER", "al", "MESSAGE", "multi\nline\n\nmessage");
        e.entry(BOOT_A, "SYSLOG_IDENTIFIER", "al", "MESSAGE", "tab\there");
        e.entry(BOOT_A, "SYSLOG_IDENTIFIER", "al", "MESSAGE", "\u001b[31mred\u001b[0m done \u001b[1;2x kept");
        e.entry(BOOT_A, "SYSLOG_IDENTIFIER", "al", "MESSAGE", "link \u001b]8;;http://x\u0007text\u001b]8;;\u0007 end");
        e.entry(BOOT_A, "SYSLOG_IDENTIFIER", "al", "MESSAGE", "cut short \u001b[31");
        e.entry(BOOT_A, "SYSLOG_IDENTIFIER", "al", "MESSAGE", "esc alone \u001b");
        e.binary(BOOT_A, "MESSAGE", bytes("bin\0ary\u00ff"));
        e.binary(BOOT_A, "MESSAGE", ("x".repeat(2000) + "\u0001").getBytes(StandardCharsets.ISO_8859_1));
        e.binary(BOOT_A, "MESSAGE", ("y".repeat(200_000) + "\u0001").getBytes(StandardCharsets.ISO_8859_1));
        e.entry(BOOT_A, "SYSLOG_IDENTIFIER", "al", "MESSAGE", "cr\r\nline\r");
        e.entry(BOOT_A, "SYSLOG_IDENTIFIER", "al", "MESSAGE", "mid\rdle\r\r");
        e.entry(BOOT_A, "SYSLOG_IDENTIFIER", "al", "MESSAGE", "");
        e.entry(BOOT_A, "SYSLOG_IDENTIFIER", "al", "MESSAGE", "\n");
        e.entry(BOOT_A, "SYSLOG_IDENTIFIER", "al", "MESSAGE", "trailing newline\n");
        e.entry(BOOT_A, "SYSLOG_IDENTIFIER", "al", "PRIORITY", "3");
        e.entry(BOOT_A, "SYSLOG_IDENTIFIER", "al", "MESSAGE", "été € \uD83D\uDE00");
        e.binary(BOOT_A, "MESSAGE", bytes("del\u007f c1 ") );
        e.binary(BOOT_A, "MESSAGE", new byte[] {'n', 'o', 'n', (byte) 0xef, (byte) 0xbf, (byte) 0xbe});
        e.binary(BOOT_A, "MESSAGE", new byte[] {'o', 'v', 'e', 'r', (byte) 0xc0, (byte) 0xaf});
        e.entry(BOOT_A, "SYSLOG_IDENTIFIER", "al", "_SOURCE_REALTIME_TIMESTAMP", "1700000000123456", "MESSAGE",
                "source time");
        e.entry(BOOT_A, "SYSLOG_IDENTIFIER", "al", "_SOURCE_REALTIME_TIMESTAMP", "junk", "MESSAGE", "bad source");
        e.binary(BOOT_A, "SYSLOG_IDENTIFIER", bytes("id\u0001x"));
        e.entry(BOOT_A, "_HOSTNAME", "h".repeat(299), "SYSLOG_IDENTIFIER", "i".repeat(300), "_COMM", "c",
                "MESSAGE", "long names");
        e.entry(BOOT_A, "SYSLOG_IDENTIFIER", "al", "MESSAGE", "a message long enough to wrap on a terminal "
                .repeat(20));
        e.entry(BOOT_B, "SYSLOG_IDENTIFIER", "al", "MESSAGE", "another boot");
        e.entry(BOOT_A, "PRIORITY", "6");
        e.entry(BOOT_B, "SYSLOG_IDENTIFIER", "al", "MESSAGE", "after a boot with no message");
        e.entry(BOOT_B, "SYSLOG_IDENTIFIER", "first", "SYSLOG_IDENTIFIER", "second", "MESSAGE", "one",
                "MESSAGE", "the last one given is shown");
        Path journal = e.write("hard");
        assertSameAsJournalctl(journal);
    }

    @Test
    void randomEntriesLookAsJournalctlShowsThem() throws Exception {
        Random random = new Random(15);
        Export e = new Export();
        byte[] alphabet = bytes("abc xyz\t\n\r\u001b[];m0123456789\u0007\u007f");
        byte[] utf8 = "é€😀".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 3000; i++) {
            ByteArrayOutputStream m = new ByteArrayOutputStream();
            int len = random.nextInt(40);
            for (int k = 0; k < len; k++) {
                int pick = random.nextInt(20);
                if (pick == 0) {
                    m.write(random.nextInt(256));
                } else if (pick == 1) {
                    m.write(utf8, 0, utf8.length);
                } else {
                    m.write(alphabet[random.nextInt(alphabet.length)]);
                }
            }
            List<Object> fields = new ArrayList<>();
            if (random.nextBoolean()) {
                fields.add("_HOSTNAME");
                fields.add("host" + random.nextInt(3));
            }
            switch (random.nextInt(3)) {
                case 0 -> { fields.add("SYSLOG_IDENTIFIER"); fields.add("id" + i); }
                case 1 -> { fields.add("_COMM"); fields.add("comm"); }
                default -> { }
            }
            if (random.nextBoolean()) {
                fields.add(random.nextBoolean() ? "_PID" : "SYSLOG_PID");
                fields.add(Integer.toString(random.nextInt(100000)));
            }
            fields.add("MESSAGE");
            fields.add(m.toByteArray());
            e.fields(random.nextInt(10) == 0 ? BOOT_B : BOOT_A, fields);
        }
        assertSameAsJournalctl(e.write("random"));
    }

    @Test
    void bytesAreSizedAsSystemdDoes() {
        assertEquals("0B", JournalFormat.formatBytes(0));
        assertEquals("1023B", JournalFormat.formatBytes(1023));
        assertEquals("1.0K", JournalFormat.formatBytes(1024));
        assertEquals("1.9K", JournalFormat.formatBytes(2001));
        assertEquals("1.0M", JournalFormat.formatBytes(1 << 20));
        assertEquals("1.5M", JournalFormat.formatBytes(3 << 19));
    }

    @Test
    void anOversizedMessageIsANoteAndTheEntryKeepsItsCursor() throws Exception {
        Export e = new Export();
        e.entry(BOOT_A, "SYSLOG_IDENTIFIER", "al", "MESSAGE", "before");
        e.binary(BOOT_A, "MESSAGE", ("z".repeat(3000) + "\u0001").getBytes(StandardCharsets.ISO_8859_1));
        e.entry(BOOT_A, "SYSLOG_IDENTIFIER", "al", "MESSAGE", "w".repeat(2500));
        e.entry(BOOT_A, "SYSLOG_IDENTIFIER", "al", "MESSAGE", "after");
        Path journal = e.write("oversized");
        byte[] export = run("journalctl", "--no-pager", "-D", journal.toString(), "-o", "export");
        JournalFormat format = new JournalFormat(null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExportReader reader = new ExportReader(2048);
        List<String> cursors = new ArrayList<>();
        // in small pieces, as a pipe may give them
        for (int i = 0; i < export.length; i += 7) {
            reader.feed(export, i, Math.min(7, export.length - i), entry -> {
                format.entry(entry, out);
                cursors.add(format.lastCursor());
            });
        }
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(4, lines.length, out.toString(StandardCharsets.UTF_8));
        assertTrue(lines[0].endsWith(" al: before"), lines[0]);
        assertEquals("-- a journal entry's message of 2.9K left out: longer than this agent reads (2.0K) --", lines[1]);
        assertEquals("-- a journal entry's message of 2.4K left out: longer than this agent reads (2.0K) --", lines[2]);
        assertTrue(lines[3].endsWith(" al: after"), lines[3]);
        assertEquals(4, cursors.stream().distinct().count(), "every entry's own cursor: " + cursors);
        assertTrue(cursors.stream().allMatch(c -> JournalCursor.ofEntry(c) != null), cursors.toString());
    }

    @Test
    void printableFollowsSystemd() {
        assertTrue(JournalFormat.printable(bytes("tab\tnew\nline"), 0, 12));
        assertFalse(JournalFormat.printable(bytes("nul\0"), 0, 4));
        assertFalse(JournalFormat.printable(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, 0, 3)); // surrogate
        assertFalse(JournalFormat.printable(new byte[] {(byte) 0xc2, (byte) 0x85}, 0, 2)); // C1 control
        assertTrue(JournalFormat.printable("€".getBytes(StandardCharsets.UTF_8), 0, 3));
        assertNull(JournalCursor.ofEntry("not a cursor"));
    }

    // ---- helpers

    /** journalctl's short-iso in UTC, and the agent's formatting of its JSON, for the whole journal. */
    static void assertSameAsJournalctl(Path journalDir) throws Exception {
        byte[] expected = run("journalctl", "--no-pager", "-D", journalDir.toString(), "-o", "short-iso", "--utc");
        byte[] export = run("journalctl", "--no-pager", "-D", journalDir.toString(), "-o", "export");
        JournalFormat format = new JournalFormat(null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExportReader reader = new ExportReader(JournalSession.MAX_MESSAGE);
        reader.feed(export, 0, export.length, entry -> {
            assertEquals(-1, entry.messageCut, "no message here is over the limit");
            format.entry(entry, out);
        });
        String want = new String(expected, StandardCharsets.ISO_8859_1);
        String got = out.toString(StandardCharsets.ISO_8859_1);
        if (!want.equals(got)) {
            String[] w = want.split("\n", -1);
            String[] g = got.split("\n", -1);
            for (int i = 0; i < Math.min(w.length, g.length); i++) {
                assertEquals(w[i], g[i], "line " + (i + 1));
            }
            assertEquals(w.length, g.length, "lines");
        }
        assertTrue(format.entries() > 0);
    }

    static byte[] run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor(), String.join(" ", command));
        return out;
    }

    private static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Entries in the journal's export format, text and binary fields, converted by systemd-journal-remote. */
    static final class Export {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private long realtime = 1_767_945_600_000_000L;
        private long monotonic = 1_000_000;

        void entry(String boot, String... fieldsAndValues) throws IOException {
            List<Object> fields = new ArrayList<>(List.of((Object[]) fieldsAndValues));
            fields(boot, fields);
        }

        void binary(String boot, String field, byte[] value) throws IOException {
            fields(boot, List.of("SYSLOG_IDENTIFIER", "bin", field, value));
        }

        void fields(String boot, List<Object> fields) throws IOException {
            realtime += 1_234_567;
            monotonic += 1000;
            List<Object> all = new ArrayList<>(List.of("__REALTIME_TIMESTAMP", Long.toString(realtime),
                    "__MONOTONIC_TIMESTAMP", Long.toString(monotonic), "_BOOT_ID", boot));
            all.addAll(fields); // a field given twice is written twice
            for (int i = 0; i < all.size(); i += 2) {
                Map.Entry<String, Object> f = Map.entry((String) all.get(i), all.get(i + 1));
                byte[] v = f.getValue() instanceof byte[] b ? b
                        : ((String) f.getValue()).getBytes(StandardCharsets.UTF_8);
                out.writeBytes(f.getKey().getBytes(StandardCharsets.US_ASCII));
                if (v.length > 0 && JournalFormat.printable(v, 0, v.length) && !contains(v, (byte) '\n')) {
                    out.write('=');
                    out.writeBytes(v);
                    out.write('\n');
                } else {
                    // the binary form: a little-endian length, then the bytes
                    out.write('\n');
                    out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v.length).array());
                    out.writeBytes(v);
                    out.write('\n');
                }
            }
            out.write('\n');
        }

        private static boolean contains(byte[] v, byte b) {
            for (byte x : v) {
                if (x == b) {
                    return true;
                }
            }
            return false;
        }

        Path write(String name) throws Exception {
            return write(dir, name);
        }

        Path write(Path base, String name) throws Exception {
            Path journalDir = Files.createDirectories(base.resolve(name));
            Path file = base.resolve(name + ".export");
            Files.write(file, out.toByteArray());
            Process p = new ProcessBuilder(JOURNAL_REMOTE.toString(), "--output=" + journalDir.resolve("x.journal"),
                    file.toString()).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), log);
            Files.delete(file);
            return journalDir;
        }
    }
}
