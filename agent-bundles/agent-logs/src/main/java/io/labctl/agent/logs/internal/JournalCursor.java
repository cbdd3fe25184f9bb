package io.labctl.agent.logs.internal;

import io.labctl.protocol.channel.StreamError;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a journal follow was when it was handed over: the journal's cursor of the last entry sent ({@code
 * journal:s=..;i=..;b=..;m=..;t=..;x=..}), or {@code journal:-} when none was sent and none matched when the follow
 * began (then every matching entry is new). It comes back from labd, so it is untrusted: parsed strictly (journald's
 * own shape, hex only, bounded) and given to journalctl as one argument element, never through a shell.
 */
record JournalCursor(String cursor) {
    static final String PREFIX = "journal:";
    static final String NONE = "-";
    private static final Pattern CURSOR = Pattern.compile(
            "s=([0-9a-f]{32});i=[0-9a-f]{1,16};b=([0-9a-f]{32});m=[0-9a-f]{1,16};t=[0-9a-f]{1,16};x=[0-9a-f]{1,16}");

    JournalCursor {
        if (!NONE.equals(cursor) && !CURSOR.matcher(cursor).matches()) {
            throw new IllegalArgumentException("'" + cursor + "' is not a journal cursor");
        }
    }

    /** The cursor journalctl printed for an entry; null if it is not in journald's shape (no handover then). */
    static JournalCursor ofEntry(String cursor) {
        return cursor != null && CURSOR.matcher(cursor).matches() ? new JournalCursor(cursor) : null;
    }

    /** Whether a resume cursor is a journal's (rather than a file's). */
    static boolean isJournal(Object value) {
        return value instanceof String s && s.startsWith(PREFIX);
    }

    /** Reads a cursor labd sent back; a message naming what is wrong otherwise. */
    static JournalCursor parse(Object value) {
        if (!(value instanceof String s)) {
            throw new IllegalArgumentException("the resume cursor must be text");
        }
        if (s.length() > StreamError.MAX_CURSOR) {
            throw new IllegalArgumentException("the resume cursor is longer than " + StreamError.MAX_CURSOR
                    + " characters");
        }
        if (!s.startsWith(PREFIX)) {
            throw new IllegalArgumentException("'" + s + "' is not a journal cursor (journal:CURSOR)");
        }
        String c = s.substring(PREFIX.length());
        if (!NONE.equals(c) && !CURSOR.matcher(c).matches()) {
            throw new IllegalArgumentException("'" + s + "' is not a journal cursor (journal:s=..;i=..;b=..;m=..;"
                    + "t=..;x=.., hexadecimal)");
        }
        return new JournalCursor(c);
    }

    /** Whether it names an entry (rather than "before any entry"). */
    boolean namesEntry() {
        return !NONE.equals(cursor);
    }

    /** The boot of the entry it names, so a resumed follow prints the boot line where the old one would; or null. */
    String boot() {
        Matcher m = CURSOR.matcher(cursor);
        return m.matches() ? m.group(2) : null;
    }

    String text() {
        return PREFIX + cursor;
    }
}
