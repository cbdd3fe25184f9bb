package io.labctl.gateway.internal;

import io.labctl.api.AgentStream;
import io.labctl.protocol.channel.Frame;
import io.labctl.protocol.channel.FrameType;
import io.labctl.protocol.channel.StreamClose;
import io.labctl.protocol.channel.StreamError;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A long-lived stream to an agent: frames in both directions pass straight through (no buffer here; the two ends'
 * credit bounds what is in flight). Ends once, whichever side ends it.
 */
final class OpenStream implements AgentStream, StreamSink {
    private final int id;
    private final String server;
    private final String kind;
    private final Listener listener;
    private final Consumer<Frame> toAgent;
    private final Runnable onEnd;
    private final AtomicBoolean ended = new AtomicBoolean();

    OpenStream(int id, String server, String kind, Listener listener, Consumer<Frame> toAgent, Runnable onEnd) {
        this.id = id;
        this.server = server;
        this.kind = kind;
        this.listener = listener;
        this.toAgent = toAgent;
        this.onEnd = onEnd;
    }

    // ---- labd → agent

    @Override
    public boolean send(byte[] payload) {
        if (ended.get()) {
            return false;
        }
        toAgent.accept(new Frame(FrameType.DATA, id, payload));
        return true;
    }

    @Override
    public void credit(int bytes) {
        if (!ended.get() && bytes > 0) {
            toAgent.accept(Frame.credit(id, bytes));
        }
    }

    @Override
    public void closeInput() {
        if (!ended.get()) {
            toAgent.accept(Frame.json(FrameType.CLOSE, id, new StreamClose(null)));
        }
    }

    @Override
    public void fail(String code, String message) {
        if (end()) {
            toAgent.accept(Frame.json(FrameType.ERROR, id, new StreamError(code, message)));
        }
    }

    // ---- agent → labd

    @Override
    public boolean data(byte[] payload) {
        if (!ended.get()) {
            listener.onData(payload);
        }
        return true;
    }

    /** Passed on as it is: only the stream's user decodes it. */
    @Override
    public void deflated(byte[] payload) {
        if (!ended.get()) {
            listener.onDeflated(payload);
        }
    }

    @Override
    public void grantedByAgent(int bytes) {
        if (!ended.get()) {
            listener.onCredit(bytes);
        }
    }

    @Override
    public void closed(Integer exitCode) {
        if (end()) {
            listener.onClose(exitCode);
        }
    }

    @Override
    public void failed(StreamError error) {
        if (end()) {
            listener.onError(error.code() == null ? "stream-failed" : error.code(), error.message());
        }
    }

    @Override
    public void lost(String why) {
        if (end()) {
            listener.onError("agent-disconnected", "the connection to " + server + " ended while " + kind
                    + " was running (" + why + ")");
        }
    }

    private boolean end() {
        if (ended.compareAndSet(false, true)) {
            onEnd.run();
            return true;
        }
        return false;
    }
}
