package io.labctl.agent.logs.internal;

import io.labctl.protocol.channel.StreamError;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a followed file was when its stream was handed over to a newer version of this capability: the file's
 * identity (the JDK's file key: device and inode on Linux) and the offset of the next byte to send. Written as
 * {@code file:OFFSET:KEY} ({@code -} for no file yet). It comes back from labd when the stream is opened again, so it
 * is untrusted input: strictly parsed and bounded, and it only chooses where reading starts in the file the request
 * names, whose path is checked against the caller's allow-list as on any open.
 */
record LogCursor(long offset, String fileKey) {
    static final String NO_FILE = "-";
    private static final Pattern FORM = Pattern.compile("file:([0-9]{1,19}):([A-Za-z0-9=,()._:-]{1,200})");

    LogCursor {
        if (offset < 0) {
            throw new IllegalArgumentException("a cursor's offset cannot be negative");
        }
    }

    /** The cursor for the next byte at that offset of the file with that key (null: no file at the path yet). */
    static LogCursor at(Object fileKey, long offset) {
        String key = fileKey == null ? NO_FILE : fileKey.toString().replace(' ', '_');
        if (!FORM.matcher("file:0:" + key).matches()) {
            // a platform whose file keys print otherwise: the resume starts the file from its beginning
            key = NO_FILE;
        }
        return new LogCursor(offset, key);
    }

    /** Whether this cursor names the file with that key. */
    boolean names(Object fileKey) {
        return fileKey != null && !NO_FILE.equals(this.fileKey) && this.fileKey.equals(fileKey.toString().replace(' ', '_'));
    }

    String text() {
        return "file:" + offset + ":" + fileKey;
    }

    /** Reads a cursor labd sent back; a message naming what is wrong otherwise. */
    static LogCursor parse(Object value) {
        if (!(value instanceof String s)) {
            throw new IllegalArgumentException("the resume cursor must be text");
        }
        if (s.length() > StreamError.MAX_CURSOR) {
            throw new IllegalArgumentException("the resume cursor is longer than " + StreamError.MAX_CURSOR + " characters");
        }
        Matcher m = FORM.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + s + "' is not a logs cursor (file:OFFSET:FILE-KEY)");
        }
        try {
            return new LogCursor(Long.parseLong(m.group(1)), m.group(2));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the resume cursor's offset is out of range");
        }
    }
}
