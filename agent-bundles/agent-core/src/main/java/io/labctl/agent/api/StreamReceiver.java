package io.labctl.agent.api;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives what labd sends on one stream. Calls for one stream come one at a time and in order. They should
 * return quickly: the agent grants labd more credit for a stream only as its receiver consumes data.
 */
@ConsumerType
public interface StreamReceiver {
    /** A receiver for streams that take no input. */
    StreamReceiver IGNORE = new StreamReceiver() {};

    /** Bytes labd sent (a DATA frame). The buffer is the receiver's to keep. */
    default void onData(ByteBuffer data) {}

    /** labd will send no more data (a CLOSE frame, like end of input). The stream stays open for output until
     *  the handler closes or fails it. */
    default void onInputClosed() {}

    /** The stream is gone: labd failed it, the connection to labd was lost, or the handler was removed. Stop
     *  work and release resources; writing to the channel now fails. */
    default void onAbort(String reason) {}

    /**
     * A newer version of this capability serves the stream's kind now (a live upgrade): end the stream as soon as it
     * can be continued exactly, with {@code channel.fail(StreamError.HANDOVER, cursor)} after its last data, and labd
     * opens it again on the new version with {@link io.labctl.protocol.channel.StreamOpen#RESUME} set to that cursor.
     * Must not block; may be called from any thread. The default cannot hand over: the stream then runs to its end
     * (or the upgrade's drain limit) on the old version.
     *
     * @return whether the stream will be handed over
     */
    default boolean handOver() {
        return false;
    }
}
