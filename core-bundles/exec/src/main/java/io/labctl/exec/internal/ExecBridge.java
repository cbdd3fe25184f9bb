package io.labctl.exec.internal;

import io.labctl.api.AgentChannels;
import io.labctl.api.AgentStream;
import io.labctl.api.ApiException;
import io.labctl.api.web.SocketConnection;
import io.labctl.api.web.SocketListener;
import io.labctl.api.web.StreamSession;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.channel.Frame;
import io.labctl.protocol.channel.FrameType;
import io.labctl.protocol.channel.ProtocolException;
import io.labctl.protocol.channel.StreamClose;
import io.labctl.protocol.channel.StreamError;
import io.labctl.protocol.channel.StreamOpen;
import io.labctl.protocol.exec.ExecRequest;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One exec session: the CLI's frames (stream 1 on its socket) pass to the agent's stream and back unchanged, so
 * the two ends' credit bounds what labd holds (one frame in flight each way); the database is not in the path.
 * The first frame must be OPEN with the command; the session ends with the agent's CLOSE (exit code) or ERROR, the
 * CLI's ERROR (cancel, timeout), or either connection going away (the agent then kills the process tree).
 */
final class ExecBridge implements SocketListener, AgentStream.Listener {
    static final int CLIENT_STREAM = 1;
    private static final Logger LOG = LoggerFactory.getLogger(ExecBridge.class);

    private final StreamSession session;
    private final SocketConnection client;
    private final AgentChannels channels;
    private volatile AgentStream agent;
    private volatile boolean ended;

    ExecBridge(StreamSession session, SocketConnection client, AgentChannels channels) {
        this.session = session;
        this.client = client;
        this.channels = channels;
    }

    // ---- from the CLI

    @Override
    public void onBinary(ByteBuffer message) {
        Frame frame;
        try {
            frame = Frame.decode(message);
            if (frame.stream() != CLIENT_STREAM) {
                throw new ProtocolException("exec uses stream " + CLIENT_STREAM + " only");
            }
            fromClient(frame);
        } catch (ProtocolException | IllegalArgumentException e) {
            end(AuditEntry.FAILED, "invalid-request: " + e.getMessage(), new StreamError("invalid-request", e.getMessage()));
        }
    }

    private void fromClient(Frame frame) throws ProtocolException {
        AgentStream stream = agent;
        if (stream == null) {
            if (frame.type() != FrameType.OPEN) {
                throw new ProtocolException("the first frame must be OPEN with the command");
            }
            start(frame.body(StreamOpen.class));
            return;
        }
        switch (frame.type()) {
            case DATA -> stream.send(frame.payload());
            case CREDIT -> stream.credit(frame.creditBytes());
            case CLOSE -> stream.closeInput();
            case ERROR -> {
                StreamError why = frame.body(StreamError.class);
                stream.fail(why.code(), "the user's labctl ended the command (" + why.code() + ")");
                end(AuditEntry.FAILED, why.code(), null);
            }
            default -> throw new ProtocolException(frame.type() + " frames are not part of exec");
        }
    }

    private void start(StreamOpen open) {
        ExecRequest request = ExecRequest.fromParams(open.params());
        session.describe("server/" + session.server() + ": " + String.join(" ", request.command())
                + (request.tty() ? " (tty)" : ""));
        try {
            agent = channels.open(session.server(), ExecRequest.KIND, request.toParams(), Math.max(0, open.credit()), this);
        } catch (ApiException e) {
            end(AuditEntry.FAILED, e.code(), new StreamError(e.code(), e.getMessage()));
        }
    }

    @Override
    public void onClose(int code, String reason) {
        AgentStream stream = agent;
        if (!ended && stream != null) {
            // the user's labctl went away mid-command: the agent stops the whole process tree
            stream.fail(ExecRequest.CANCELLED, "the user's connection to labd closed");
            ended = true;
            session.outcome(AuditEntry.FAILED, "client disconnected (" + code + ")");
        }
    }

    // ---- from the agent

    @Override
    public void onData(byte[] payload) {
        client.send(new Frame(FrameType.DATA, CLIENT_STREAM, payload).encode());
    }

    @Override
    public void onCredit(int bytes) {
        client.send(Frame.credit(CLIENT_STREAM, bytes).encode());
    }

    @Override
    public void onClose(Integer exitCode) {
        end(exitCode != null && exitCode == 0 ? AuditEntry.OK : AuditEntry.FAILED, "exit " + exitCode,
                new StreamClose(exitCode));
    }

    @Override
    public void onError(String code, String message) {
        end(AuditEntry.FAILED, code + ": " + message, new StreamError(code, message));
    }

    /** Tells the CLI how it ended (a CLOSE or ERROR frame, unless null), records the outcome, closes the socket. */
    private synchronized void end(String result, String detail, Object last) {
        if (ended) {
            return;
        }
        ended = true;
        session.outcome(result, detail);
        if (last != null) {
            FrameType type = last instanceof StreamClose ? FrameType.CLOSE : FrameType.ERROR;
            client.send(Frame.json(type, CLIENT_STREAM, last).encode());
        }
        LOG.debug("exec on {} ended: {}", session.server(), detail);
        client.close(1000, "done");
    }
}
