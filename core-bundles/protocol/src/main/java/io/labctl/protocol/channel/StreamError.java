package io.labctl.protocol.channel;

/** A stream that failed: a stable code (for example {@value #NOT_INSTALLED}) and a message for the operator. */
public record StreamError(String code, String message) {
    public static final String NOT_INSTALLED = "capability-not-installed";
    /**
     * Not a failure: the agent's handler hands the stream over to a newer version of its capability (a live upgrade).
     * The message is then the cursor to go on from (opaque to labd, at most {@value #MAX_CURSOR} characters), sent
     * after the stream's last data, so it is exact; labd opens the same request again with the parameter
     * {@link StreamOpen#RESUME} set to it, and the stream's user sees one unbroken stream.
     */
    public static final String HANDOVER = "handover";
    /**
     * The agent is closing its connection on purpose (it stops, or its core is replaced) and takes no new stream: try
     * again once it is back.
     */
    public static final String AGENT_STOPPING = "agent-stopping";
    /** The longest cursor a handover may carry. */
    public static final int MAX_CURSOR = 1024;
}
