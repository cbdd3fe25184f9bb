package io.labctl.exec.internal;

import io.labctl.api.web.SocketConnection;
import io.labctl.protocol.channel.Frame;
import io.labctl.protocol.channel.FrameType;
import io.labctl.protocol.channel.ProtocolException;
import io.labctl.protocol.exec.ExecRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * The user's connection, with the command's output (the agent's stdout and stderr DATA frames going to the user)
 * copied to the session's recording on the way. The recorder is set once the OPEN frame said what runs.
 */
final class RecordingConnection implements SocketConnection {
    private final SocketConnection user;
    private volatile SessionRecorder recorder;

    RecordingConnection(SocketConnection user) {
        this.user = user;
    }

    void recordTo(SessionRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public CompletableFuture<Void> send(ByteBuffer message) {
        SessionRecorder r = recorder;
        if (r != null) {
            try {
                Frame frame = Frame.decode(message.duplicate());
                byte[] p = frame.payload();
                if (frame.type() == FrameType.DATA && p.length > 1
                        && (p[0] == ExecRequest.STDOUT || p[0] == ExecRequest.STDERR)) {
                    r.output(p, 1, p.length - 1);
                }
            } catch (ProtocolException e) {
                // not ours to judge: the frame goes to the user as it is
            }
        }
        return user.send(message);
    }

    @Override
    public void close(int code, String reason) {
        SessionRecorder r = recorder;
        if (r != null) {
            r.close();
        }
        user.close(code, reason);
    }

    @Override
    public boolean isOpen() {
        return user.isOpen();
    }

    @Override
    public String remoteAddress() {
        return user.remoteAddress();
    }
}
