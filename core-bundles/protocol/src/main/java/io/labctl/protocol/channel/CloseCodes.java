package io.labctl.protocol.channel;

/** WebSocket close codes of the agent channel beyond RFC 6455's own (private use range 4000-4999). */
public final class CloseCodes {
    /**
     * labd ended this connection because a newer connection of the same agent took its place after this one did
     * not answer a liveness probe: the agent reconnects after its shortest delay, since nothing was refused.
     */
    public static final int REPLACED = 4001;

    private CloseCodes() {
    }
}
