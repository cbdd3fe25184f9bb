package io.labctl.agent.logs.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits journalctl's JSON output into entries (one per line: JSON escapes newlines), keeping at most
 * {@code maxEntry} bytes of one: an entry is written by whatever runs on the host, so its size is not ours to
 * trust. A longer entry is not parsed; only its cursor is looked for as it streams past, so the follow still knows
 * where it is.
 */
final class EntryLines {
    /** What is done with each entry. */
    interface Sink {
        void entry(byte[] line, int offset, int length) throws IOException;

        /** An entry longer than the limit: its cursor if one was seen (null otherwise) and its size. */
        void oversized(String cursor, long length) throws IOException;
    }

    private static final byte[] CURSOR_KEY = "\"__CURSOR\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_CURSOR = 256;

    private final int maxEntry;
    private byte[] buffer = new byte[8192];
    private int length;
    /** Skipping an oversized entry: its size so far; -1 when not skipping. */
    private long skipped = -1;
    private int keyMatched;
    private StringBuilder cursor;
    private String foundCursor;

    EntryLines(int maxEntry) {
        this.maxEntry = maxEntry;
    }

    void feed(byte[] bytes, int offset, int count, Sink sink) throws IOException {
        int end = offset + count;
        int i = offset;
        while (i < end) {
            if (skipped >= 0) {
                int nl = indexOf(bytes, i, end);
                int stop = nl < 0 ? end : nl;
                scan(bytes, i, stop);
                skipped += stop - i;
                i = stop;
                if (nl >= 0) {
                    sink.oversized(foundCursor, skipped);
                    skipped = -1;
                    i++;
                }
                continue;
            }
            int nl = indexOf(bytes, i, end);
            int stop = nl < 0 ? end : nl;
            int take = stop - i;
            if (length + take > maxEntry) {
                // too long: look for its cursor in what we have and in the rest as it comes
                skipped = length;
                keyMatched = 0;
                cursor = null;
                foundCursor = null;
                scan(buffer, 0, length);
                length = 0;
                continue;
            }
            if (length == 0 && nl >= 0) {
                // the whole entry is in the chunk: no copy
                if (take > 0) {
                    sink.entry(bytes, i, take);
                }
            } else {
                ensure(length + take);
                System.arraycopy(bytes, i, buffer, length, take);
                length += take;
                if (nl >= 0) {
                    if (length > 0) {
                        sink.entry(buffer, 0, length);
                    }
                    length = 0;
                }
            }
            i = nl < 0 ? end : nl + 1;
        }
    }

    /** Bytes of an unfinished entry held back (they go out once the entry is whole). */
    int pending() {
        return length;
    }

    private void scan(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            byte b = bytes[i];
            if (cursor != null) {
                if (b == '"') {
                    foundCursor = cursor.toString();
                    cursor = null;
                } else if (cursor.length() < MAX_CURSOR) {
                    cursor.append((char) (b & 0xff));
                } else {
                    cursor = null; // not journald's cursor
                }
            } else if (foundCursor == null) {
                if (b == CURSOR_KEY[keyMatched]) {
                    if (++keyMatched == CURSOR_KEY.length) {
                        cursor = new StringBuilder();
                        keyMatched = 0;
                    }
                } else {
                    keyMatched = b == '"' ? 1 : 0;
                }
            }
        }
    }

    private void ensure(int size) {
        if (size > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.min(maxEntry, Math.max(size, buffer.length * 2)));
        }
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
