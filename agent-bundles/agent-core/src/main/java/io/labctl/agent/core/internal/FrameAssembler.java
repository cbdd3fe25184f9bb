package io.labctl.agent.core.internal;

import io.labctl.protocol.channel.ProtocolException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Joins the parts java.net.http delivers for one binary WebSocket message, refusing a message larger than the
 * limit as soon as it grows past it, so a misbehaving peer cannot make the agent buffer without bound.
 */
final class FrameAssembler {
    private final int limit;
    private byte[] buffer = new byte[0];
    private int size;

    FrameAssembler(int limit) {
        this.limit = limit;
    }

    /**
     * Adds one part. Returns the whole message when {@code last} is true (and starts over), else null.
     *
     * @throws ProtocolException if the message exceeds the limit
     */
    ByteBuffer append(ByteBuffer part, boolean last) throws ProtocolException {
        int incoming = part.remaining();
        if ((long) size + incoming > limit) {
            reset();
            throw new ProtocolException("message larger than the limit of " + limit + " bytes");
        }
        if (last && size == 0) {
            // the common case, one part: copy once, because the buffer belongs to the WebSocket
            byte[] whole = new byte[incoming];
            part.get(whole);
            return ByteBuffer.wrap(whole);
        }
        if (size + incoming > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.min(limit, Math.max(size + incoming, buffer.length * 2)));
        }
        part.get(buffer, size, incoming);
        size += incoming;
        if (!last) {
            return null;
        }
        ByteBuffer whole = ByteBuffer.wrap(Arrays.copyOf(buffer, size));
        reset();
        return whole;
    }

    private void reset() {
        buffer = new byte[0];
        size = 0;
    }
}
