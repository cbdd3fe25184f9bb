package io.labctl.protocol.channel;

/** Kinds of frames on the agent channel. Control frames use stream 0; stream frames carry the stream's id. */
public enum FrameType {
    /** agent → labd, once after connecting: JSON {@link io.labctl.protocol.HostFacts}. */
    HELLO(1),
    /** agent → labd, every heartbeat interval: JSON {@link Heartbeat}; facts ride along only when they changed. */
    HEARTBEAT(2),
    /** labd → agent: open a stream of some kind, JSON {@link StreamOpen}. */
    OPEN(3),
    /** either way: raw stream bytes. */
    DATA(4),
    /** either way: a 4-byte count of further bytes the receiver is ready to take on that stream. */
    CREDIT(5),
    /** either way: the stream ended, JSON {@link StreamClose}. */
    CLOSE(6),
    /** either way: the stream failed, JSON {@link StreamError}. */
    ERROR(7),
    /**
     * agent → labd → CLI: stream bytes compressed as one raw DEFLATE stream (RFC 1951) for the whole stream (see
     * {@link StreamCompressor}). Sent only on a stream whose OPEN asked for it; a receiver that asked also takes
     * plain DATA, which is what a peer without compression sends. Credit counts the compressed bytes.
     */
    DEFLATED(8);

    private final int code;

    FrameType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    static FrameType of(int code) {
        for (FrameType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
