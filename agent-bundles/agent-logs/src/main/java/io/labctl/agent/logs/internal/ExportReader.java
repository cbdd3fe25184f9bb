package io.labctl.agent.logs.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads journalctl's {@code -o export} output as it streams in: entries of {@code NAME=value} lines (text) and
 * {@code NAME}, a 64-bit little-endian length and that many bytes (anything else), ended by an empty line. Only the
 * fields the short output uses are kept, each up to a bound: an entry is written by whatever runs on the host, so its
 * sizes are not ours to trust. Everything else is skipped as it passes.
 */
final class ExportReader {
    /** The fields kept, by slot. */
    static final int CURSOR = 0, REALTIME = 1, BOOT = 2, PID = 3, COMM = 4, MESSAGE = 5, HOSTNAME = 6,
            SYSLOG_PID = 7, IDENTIFIER = 8, SOURCE_REALTIME = 9, FIELDS = 10;
    /** Field names are at most 64 bytes in the journal; a longer line start is not journalctl's export output. */
    private static final int MAX_NAME = 256;
    /** Beyond this a hostname, identifier or pid is not shown anyway (journalctl's 300-byte threshold). */
    private static final int MAX_SMALL = JournalFormat.PRINT_THRESHOLD + 1;

    /** One entry: the kept fields (null when absent) and the real size of the message. */
    static final class Entry {
        final byte[][] values = new byte[FIELDS][];
        /** The message's real length when it was longer than kept; -1 when it was kept whole. */
        long messageCut = -1;
    }

    /** What is done with each entry. */
    interface Sink {
        void entry(Entry entry) throws IOException;
    }

    private enum State { NAME, VALUE, SKIP_LINE, BINARY_LENGTH, BINARY_VALUE, BINARY_END }

    private final int maxMessage;
    private State state = State.NAME;
    private final byte[] name = new byte[MAX_NAME];
    private int nameLength;
    private final ByteArrayOutputStream value = new ByteArrayOutputStream(256);
    private Entry entry = new Entry();
    private int slot = -1;
    private long valueLength;
    private long binaryLeft;
    private int lengthBytes;
    private long lengthValue;

    ExportReader(int maxMessage) {
        this.maxMessage = maxMessage;
    }

    void feed(byte[] bytes, int offset, int count, Sink sink) throws IOException {
        int end = offset + count;
        int i = offset;
        while (i < end) {
            switch (state) {
                case NAME -> {
                    byte b = bytes[i++];
                    if (b == '=') {
                        startValue();
                        state = slot < 0 ? State.SKIP_LINE : State.VALUE;
                    } else if (b == '\n') {
                        if (nameLength == 0) {
                            sink.entry(entry); // an empty line ends the entry
                            entry = new Entry();
                        } else {
                            startValue();
                            lengthBytes = 0;
                            lengthValue = 0;
                            state = State.BINARY_LENGTH;
                        }
                    } else if (nameLength >= MAX_NAME) {
                        throw new IOException("journalctl wrote a field name longer than " + MAX_NAME + " bytes");
                    } else {
                        name[nameLength++] = b;
                    }
                }
                case VALUE -> {
                    int nl = indexOf(bytes, i, end);
                    int stop = nl < 0 ? end : nl;
                    keep(bytes, i, stop - i);
                    i = stop;
                    if (nl >= 0) {
                        endValue();
                        i++;
                    }
                }
                case SKIP_LINE -> {
                    int nl = indexOf(bytes, i, end);
                    i = nl < 0 ? end : nl + 1;
                    if (nl >= 0) {
                        state = State.NAME;
                    }
                }
                case BINARY_LENGTH -> {
                    lengthValue |= (long) (bytes[i++] & 0xff) << (8 * lengthBytes);
                    if (++lengthBytes == 8) {
                        if (lengthValue < 0) {
                            throw new IOException("journalctl wrote a field length out of range");
                        }
                        binaryLeft = lengthValue;
                        state = binaryLeft == 0 ? State.BINARY_END : State.BINARY_VALUE;
                    }
                }
                case BINARY_VALUE -> {
                    int take = (int) Math.min(binaryLeft, end - i);
                    if (slot >= 0) {
                        keep(bytes, i, take);
                    }
                    i += take;
                    binaryLeft -= take;
                    if (binaryLeft == 0) {
                        state = State.BINARY_END;
                    }
                }
                case BINARY_END -> {
                    if (bytes[i++] != '\n') {
                        throw new IOException("journalctl wrote a binary field not ended by a newline");
                    }
                    if (slot >= 0) {
                        endValue();
                    } else {
                        state = State.NAME;
                    }
                }
            }
        }
    }

    private void startValue() {
        slot = slot(name, nameLength);
        nameLength = 0;
        valueLength = 0;
        value.reset();
    }

    private void keep(byte[] bytes, int offset, int length) {
        int limit = slot == MESSAGE ? maxMessage : MAX_SMALL;
        int room = (int) Math.max(0, Math.min(length, limit - valueLength));
        if (room > 0) {
            value.write(bytes, offset, room);
        }
        valueLength += length;
    }

    private void endValue() {
        entry.values[slot] = value.toByteArray();
        if (slot == MESSAGE) {
            entry.messageCut = valueLength > maxMessage ? valueLength : -1;
        }
        value.reset();
        state = State.NAME;
    }

    /** The kept fields' names, by slot. */
    private static final byte[][] NAMES = names("__CURSOR", "__REALTIME_TIMESTAMP", "_BOOT_ID", "_PID", "_COMM",
            "MESSAGE", "_HOSTNAME", "SYSLOG_PID", "SYSLOG_IDENTIFIER", "_SOURCE_REALTIME_TIMESTAMP");

    private static byte[][] names(String... names) {
        byte[][] bytes = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            bytes[i] = names[i].getBytes(StandardCharsets.US_ASCII);
        }
        return bytes;
    }

    /** The slot of a field name, or -1 for a field not kept (compared as bytes: this runs for every field). */
    private static int slot(byte[] name, int length) {
        for (int i = 0; i < FIELDS; i++) {
            byte[] n = NAMES[i];
            if (n.length == length && Arrays.equals(n, 0, length, name, 0, length)) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
