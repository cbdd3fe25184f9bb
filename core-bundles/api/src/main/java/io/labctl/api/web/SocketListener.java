package io.labctl.api.web;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ConsumerType;

/** The receiving side of one accepted WebSocket connection. Calls for one connection never overlap. */
@ConsumerType
public interface SocketListener {
    void onBinary(ByteBuffer message);

    /** Text messages are not part of the protocol; the default closes the connection as a protocol error. */
    default void onText(String message, SocketConnection connection) {
        connection.close(1003, "text frames are not accepted");
    }

    void onClose(int code, String reason);
}
