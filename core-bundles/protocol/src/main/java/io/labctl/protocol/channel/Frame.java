package io.labctl.protocol.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.labctl.protocol.Json;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One binary WebSocket message on the agent channel: a type byte, a 4-byte stream id, then the payload.
 * Anything that does not decode is a {@link ProtocolException}; the peer that sent it is disconnected.
 */
public record Frame(FrameType type, int stream, byte[] payload) {
    public static final int HEADER = 5;
    /** Largest payload a peer may send in one frame, except OPEN. */
    public static final int MAX_PAYLOAD = 64 * 1024;
    /** Largest WebSocket message either side accepts, except one that carries an OPEN. */
    public static final int MAX_FRAME = HEADER + MAX_PAYLOAD;
    /**
     * Largest OPEN payload: an exec's argument vector may take {@link io.labctl.protocol.exec.ExecRequest#MAX_ARG_BYTES},
     * and JSON escaping can double what a string takes, so OPEN gets room for twice that plus the other parameters.
     * Only OPEN is this large: it is sent once a stream, by labd to an agent or by labctl to labd.
     */
    public static final int MAX_OPEN_PAYLOAD = 2 * io.labctl.protocol.exec.ExecRequest.MAX_ARG_BYTES + MAX_PAYLOAD;
    /** Largest WebSocket message that carries an OPEN. */
    public static final int MAX_OPEN_FRAME = HEADER + MAX_OPEN_PAYLOAD;

    public Frame {
        int max = limit(type);
        if (payload.length > max) {
            throw new IllegalArgumentException(type + " frame payload of " + payload.length + " bytes exceeds " + max);
        }
    }

    /** The largest payload a frame of this type may carry. */
    public static int limit(FrameType type) {
        return type == FrameType.OPEN ? MAX_OPEN_PAYLOAD : MAX_PAYLOAD;
    }

    public static Frame json(FrameType type, int stream, Object body) {
        try {
            return new Frame(type, stream, Json.json().writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CREDIT frame granting bytes on a stream. */
    public static Frame credit(int stream, int bytes) {
        return new Frame(FrameType.CREDIT, stream, ByteBuffer.allocate(4).putInt(bytes).array());
    }

    /** The bytes a CREDIT frame grants; a malformed or negative grant is a protocol error. */
    public int creditBytes() throws ProtocolException {
        if (type != FrameType.CREDIT || payload.length != 4) {
            throw new ProtocolException("CREDIT frame must carry 4 bytes, got " + payload.length);
        }
        int bytes = ByteBuffer.wrap(payload).getInt();
        if (bytes < 0) {
            throw new ProtocolException("negative CREDIT on stream " + stream);
        }
        return bytes;
    }

    public <T> T body(Class<T> cls) throws ProtocolException {
        try {
            T value = Json.json().readValue(payload, cls);
            if (value == null) {
                throw new ProtocolException(type + " frame has an empty body");
            }
            return value;
        } catch (IOException e) {
            throw new ProtocolException(type + " frame body is not valid " + cls.getSimpleName() + " JSON");
        }
    }

    public ByteBuffer encode() {
        ByteBuffer b = ByteBuffer.allocate(HEADER + payload.length);
        b.put((byte) type.code()).putInt(stream).put(payload);
        return b.flip();
    }

    public static Frame decode(ByteBuffer in) throws ProtocolException {
        int size = in.remaining();
        if (size < HEADER) {
            throw new ProtocolException("frame of " + size + " bytes is shorter than its " + HEADER + "-byte header");
        }
        if (size > MAX_OPEN_FRAME) {
            throw new ProtocolException("frame of " + size + " bytes exceeds the limit of " + MAX_OPEN_FRAME);
        }
        FrameType type = FrameType.of(in.get() & 0xff);
        if (type == null) {
            throw new ProtocolException("unknown frame type");
        }
        if (size > HEADER + limit(type)) {
            throw new ProtocolException(type + " frame of " + size + " bytes exceeds the limit of " + (HEADER + limit(type)));
        }
        int stream = in.getInt();
        if (stream < 0) {
            throw new ProtocolException("negative stream id");
        }
        byte[] payload = new byte[in.remaining()];
        in.get(payload);
        return new Frame(type, stream, payload);
    }
}
