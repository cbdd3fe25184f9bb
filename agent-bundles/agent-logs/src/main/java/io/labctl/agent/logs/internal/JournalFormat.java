package io.labctl.agent.logs.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Turns journalctl's {@code -o export} entries into the lines {@code journalctl -o short-iso --utc} prints for
 * them, byte for byte (systemd 252's rules: source timestamp first, hostname, identifier or command or "unknown",
 * pid, the message with tabs expanded, colour and link sequences removed, continuation lines indented, non-printable
 * messages as "[N blob data]", "-- Boot ID --" between boots). Reading entries whole is what gives the agent each
 * entry's cursor, so a follow can be handed over exactly after the last entry it sent. The export format is the
 * journal's own lossless one, and journalctl writes it as fast as short-iso (JSON costs it about four times as much).
 */
final class JournalFormat {
    /** journalctl's limit for showing a hostname, identifier or pid at all (PRINT_CHAR_THRESHOLD). */
    static final int PRINT_THRESHOLD = 300;
    private static final long VALID_REALTIME_LIMIT = 1L << 55;
    private static final byte[] UNKNOWN = " unknown".getBytes(StandardCharsets.US_ASCII);

    private static final int CURSOR = ExportReader.CURSOR, REALTIME = ExportReader.REALTIME,
            BOOT = ExportReader.BOOT, PID = ExportReader.PID, COMM = ExportReader.COMM, MESSAGE = ExportReader.MESSAGE,
            HOSTNAME = ExportReader.HOSTNAME, SYSLOG_PID = ExportReader.SYSLOG_PID,
            IDENTIFIER = ExportReader.IDENTIFIER, SOURCE_REALTIME = ExportReader.SOURCE_REALTIME;

    private String previousBoot;
    private byte[] lastCursor;
    private long entries;
    private long lastSecond = -1;
    private String lastTimestamp;
    private byte[] lastTimestampBytes;

    /** @param previousBoot the boot of the entry before the first one read (a resumed follow's), or null */
    JournalFormat(String previousBoot) {
        this.previousBoot = previousBoot;
    }

    /** The cursor of the last entry read, or null before the first. */
    String lastCursor() {
        return lastCursor == null ? null : new String(lastCursor, StandardCharsets.US_ASCII);
    }

    /** The entries read, shown or not (an entry without a message is not shown, as by journalctl). */
    long entries() {
        return entries;
    }

    /** Appends what short-iso shows for one entry of journalctl's export output. */
    void entry(ExportReader.Entry e, ByteArrayOutputStream out) {
        byte[][] v = e.values;
        entries++;
        if (v[CURSOR] != null) {
            lastCursor = v[CURSOR];
        }
        String boot = v[BOOT] == null ? null : new String(v[BOOT], StandardCharsets.UTF_8);
        if (boot != null) {
            if (previousBoot != null && !previousBoot.equals(boot)) {
                ascii(out, "-- Boot " + boot + " --\n");
            }
            previousBoot = boot;
        }
        if (v[MESSAGE] == null) {
            return; // journalctl skips an entry without a message
        }
        if (e.messageCut >= 0) {
            ascii(out, "-- a journal entry's message of " + formatBytes(e.messageCut) + " left out: longer than "
                    + "this agent reads (" + formatBytes(v[MESSAGE].length) + ") --\n");
            return;
        }
        byte[] message = stripTabAnsi(v[MESSAGE]);
        String time = timestamp(v[SOURCE_REALTIME], v[REALTIME]);
        out.writeBytes(lastTimestampBytes);
        int n = time.length();
        if (v[HOSTNAME] != null && shallPrint(v[HOSTNAME])) {
            out.write(' ');
            out.writeBytes(v[HOSTNAME]);
            n += v[HOSTNAME].length + 1;
        }
        if (v[IDENTIFIER] != null && shallPrint(v[IDENTIFIER])) {
            out.write(' ');
            out.writeBytes(v[IDENTIFIER]);
            n += v[IDENTIFIER].length + 1;
        } else if (v[COMM] != null && shallPrint(v[COMM])) {
            out.write(' ');
            out.writeBytes(v[COMM]);
            n += v[COMM].length + 1;
        } else {
            out.writeBytes(UNKNOWN); // not counted in the indent, as in journalctl
        }
        byte[] pid = v[PID] != null && shallPrint(v[PID]) ? v[PID]
                : v[SYSLOG_PID] != null && shallPrint(v[SYSLOG_PID]) ? v[SYSLOG_PID] : null;
        if (pid != null) {
            out.write('[');
            out.writeBytes(pid);
            out.write(']');
            n += pid.length + 2;
        }
        ascii(out, ": ");
        n += 2;
        if (!printable(message, 0, message.length)) {
            ascii(out, "[" + formatBytes(message.length) + " blob data]\n");
        } else {
            multiline(out, n, message);
        }
    }

    /** What journalctl prints when a read that does not follow shows no entry at all. */
    static final String NO_ENTRIES = "-- No entries --\n";

    /** short-iso in UTC, to the second, from the source's own time when it has a usable one. */
    private String timestamp(byte[] source, byte[] realtime) {
        long usec = decimal(source);
        if (usec <= 0 || usec >= VALID_REALTIME_LIMIT) {
            usec = decimal(realtime);
        }
        long second = Math.floorDiv(Math.max(usec, 0), 1_000_000L);
        if (second != lastSecond) {
            // entries come many to a second: formatted once per second
            lastSecond = second;
            lastTimestamp = timestamp(second);
            lastTimestampBytes = lastTimestamp.getBytes(StandardCharsets.US_ASCII);
        }
        return lastTimestamp;
    }

    static String timestamp(long second) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
        return t.getYear() + "-" + two(t.getMonthValue()) + "-" + two(t.getDayOfMonth()) + "T" + two(t.getHour())
                + ":" + two(t.getMinute()) + ":" + two(t.getSecond()) + "+0000";
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }

    /** A plain decimal number of microseconds, or -1 (journald writes them so; anything else is not used). */
    private static long decimal(byte[] value) {
        if (value == null || value.length == 0 || value.length > 19) {
            return -1;
        }
        long x = 0;
        for (byte b : value) {
            if (b < '0' || b > '9') {
                return -1;
            }
            x = x * 10 + (b - '0');
        }
        return x;
    }

    private static boolean shallPrint(byte[] value) {
        return value.length < PRINT_THRESHOLD && printable(value, 0, value.length);
    }

    /** Each line of the message on its own line, the later ones indented to where the message starts. */
    private static void multiline(ByteArrayOutputStream out, int prefix, byte[] message) {
        if (message.length == 0) {
            out.write('\n');
            return;
        }
        int pos = 0;
        boolean continuation = false;
        while (pos < message.length) {
            int end = pos;
            while (end < message.length && message[end] != '\n') {
                end++;
            }
            if (continuation) {
                for (int i = 0; i < prefix; i++) {
                    out.write(' ');
                }
            }
            out.write(message, pos, end - pos);
            out.write('\n');
            continuation = true;
            pos = end + 1;
        }
    }

    /**
     * Tabs become 8 spaces; colour sequences (ESC [ digits/; m) and link sequences (ESC ] ... BEL) go; carriage
     * returns before a newline or at the end go. A sequence that is cut short or holds other bytes stays as it is.
     */
    static byte[] stripTabAnsi(byte[] in) {
        if (!contains(in, (byte) 0x1B, (byte) '\t', (byte) '\r')) {
            return in; // the common case: nothing to strip
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 16);
        final int other = 0, escape = 1, csi = 2, cso = 3;
        int state = other;
        int begin = 0;
        int carriageReturns = 0;
        for (int i = 0; i <= in.length; i++) {
            boolean eot = i >= in.length;
            int c = eot ? -1 : in[i] & 0xff;
            switch (state) {
                case other -> {
                    if (eot) {
                        break;
                    }
                    if (c == '\r') {
                        carriageReturns++;
                        break;
                    } else if (c == '\n') {
                        carriageReturns = 0;
                    }
                    for (; carriageReturns > 0; carriageReturns--) {
                        out.write('\r');
                    }
                    if (c == 0x1B) {
                        state = escape;
                    } else if (c == '\t') {
                        out.writeBytes("        ".getBytes(StandardCharsets.US_ASCII));
                    } else {
                        out.write(c);
                    }
                }
                case escape -> {
                    if (eot) {
                        out.write(0x1B);
                    } else if (c == '[') {
                        state = csi;
                        begin = i + 1;
                    } else if (c == ']') {
                        state = cso;
                        begin = i + 1;
                    } else {
                        out.write(0x1B);
                        out.write(c);
                        state = other;
                    }
                }
                case csi -> {
                    if (eot || "01234567890;m".indexOf(c) < 0) {
                        out.write(0x1B);
                        out.write('[');
                        state = other;
                        i = begin - 1;
                    } else if (c == 'm') {
                        state = other;
                    }
                }
                default -> { // cso
                    if (eot || (c != 0x07 && c < 32) || c > 126) {
                        out.write(0x1B);
                        out.write(']');
                        state = other;
                        i = begin - 1;
                    } else if (c == 0x07) {
                        state = other;
                    }
                }
            }
        }
        return out.toByteArray();
    }

    private static boolean contains(byte[] in, byte a, byte b, byte c) {
        for (byte x : in) {
            if (x == a || x == b || x == c) {
                return true;
            }
        }
        return false;
    }

    /** Valid UTF-8 of valid characters and no control character other than tab and newline (systemd's rule). */
    static boolean printable(byte[] s, int from, int to) {
        int i = from;
        while (i < to) {
            int b = s[i] & 0xff;
            int len = b < 0x80 ? 1 : (b & 0xe0) == 0xc0 ? 2 : (b & 0xf0) == 0xe0 ? 3 : (b & 0xf8) == 0xf0 ? 4
                    : (b & 0xfc) == 0xf8 ? 5 : (b & 0xfe) == 0xfc ? 6 : 0;
            if (len == 0 || len > to - i) {
                return false;
            }
            int ch;
            if (len == 1) {
                ch = b;
            } else {
                for (int k = 0; k < len; k++) {
                    if ((s[i + k] & 0x80) != 0x80) {
                        return false;
                    }
                }
                ch = b & (0x7f >> len);
                for (int k = 1; k < len; k++) {
                    if ((s[i + k] & 0xc0) != 0x80) {
                        return false;
                    }
                    ch = (ch << 6) | (s[i + k] & 0x3f);
                }
                if (encodedLength(ch) != len || !validCharacter(ch)) {
                    return false;
                }
            }
            if ((ch < ' ' && ch != '\t' && ch != '\n') || (ch >= 0x7f && ch <= 0x9f)) {
                return false;
            }
            i += len;
        }
        return true;
    }

    private static int encodedLength(int ch) {
        return ch < 0x80 ? 1 : ch < 0x800 ? 2 : ch < 0x10000 ? 3 : ch < 0x200000 ? 4 : ch < 0x4000000 ? 5 : 6;
    }

    private static boolean validCharacter(int ch) {
        return ch >= 0 && ch < 0x110000 && (ch & 0xFFFFF800) != 0xD800 && !(ch >= 0xFDD0 && ch <= 0xFDEF)
                && (ch & 0xFFFE) != 0xFFFE;
    }

    /** systemd's format_bytes: "512B", "1.9K", "3.0M" (IEC, one decimal). */
    static String formatBytes(long t) {
        String[] suffix = {"E", "P", "T", "G", "M", "K"};
        long[] factor = {1L << 60, 1L << 50, 1L << 40, 1L << 30, 1L << 20, 1L << 10};
        for (int i = 0; i < factor.length; i++) {
            if (Long.compareUnsigned(t, factor[i]) >= 0) {
                long tenth = i != factor.length - 1 ? (t / factor[i + 1] * 10 / factor[factor.length - 1]) % 10
                        : (t * 10 / factor[i]) % 10;
                return t / factor[i] + "." + tenth + suffix[i];
            }
        }
        return t + "B";
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
}
