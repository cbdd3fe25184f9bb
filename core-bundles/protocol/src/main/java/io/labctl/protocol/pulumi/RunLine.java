package io.labctl.protocol.pulumi;

/** One line of a run's log: the engine's own output, numbered from 1 in the order it came. */
public record RunLine(long seq, String text) {
    /** The longest line kept, in characters; a longer one is cut and marked. */
    public static final int MAX_CHARS = 8 * 1024;
}
