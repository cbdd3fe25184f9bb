package io.labctl.agent.core.internal;

/** Error codes the agent puts in ERROR frames, besides the protocol's own {@code capability-not-installed}. */
final class StreamErrors {
    /** The handler refused or failed to open the stream. */
    static final String OPEN_FAILED = "stream-open-failed";
    /** The handler's bundle went away while the stream was open. */
    static final String CAPABILITY_REMOVED = "capability-removed";

    private StreamErrors() {}
}
