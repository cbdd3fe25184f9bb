package io.labctl.web.internal;

import io.labctl.api.web.PeerPrincipal;
import io.labctl.api.web.SocketConnection;
import io.labctl.api.web.SocketEndpoint;
import io.labctl.api.web.SocketListener;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** A socket endpoint that echoes binary messages and records what it saw, for the tests to inspect. */
final class RecordingSocketEndpoint implements SocketEndpoint {
    final BlockingQueue<PeerPrincipal> opened = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    final BlockingQueue<Integer> closeCodes = new LinkedBlockingQueue<>();

    @Override
    public SocketListener open(PeerPrincipal peer, SocketConnection connection) {
        opened.add(peer);
        return new SocketListener() {
            @Override
            public void onBinary(ByteBuffer message) {
                byte[] bytes = new byte[message.remaining()];
                message.duplicate().get(bytes);
                received.add(bytes);
                connection.send(message);
            }

            @Override
            public void onClose(int code, String reason) {
                closeCodes.add(code);
            }
        };
    }
}
