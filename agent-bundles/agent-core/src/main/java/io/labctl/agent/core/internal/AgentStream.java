package io.labctl.agent.core.internal;

import io.labctl.agent.api.StreamChannel;
import io.labctl.agent.api.StreamHandler;
import io.labctl.agent.api.StreamReceiver;
import io.labctl.protocol.channel.Frame;
import io.labctl.protocol.channel.FrameType;
import io.labctl.protocol.channel.StreamClose;
import io.labctl.protocol.channel.StreamError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * One open stream. Output obeys labd's credit; input is handed to the handler's receiver in order on the stream's
 * serial executor, and labd is granted more credit as the receiver consumes it.
 */
final class AgentStream implements StreamChannel {
    /** Bytes of input labd may have in flight to this agent per stream. */
    static final int RECEIVE_WINDOW = 256 * 1024;

    private final int id;
    private final String kind;
    private final StreamHandler handler;
    private final FrameSink out;
    private final Executor serial;
    private final Consumer<AgentStream> onEnd;
    private long sendCredit;
    private boolean open = true;
    private String endReason;
    private int consumedSinceGrant;
    // written only on the serial executor; read there and by handOver
    private volatile StreamReceiver receiver;

    AgentStream(int id, String kind, StreamHandler handler, int initialCredit, FrameSink out, Executor serial,
                Consumer<AgentStream> onEnd) {
        this.id = id;
        this.kind = kind;
        this.handler = handler;
        this.sendCredit = Math.max(0, initialCredit);
        this.out = out;
        this.serial = serial;
        this.onEnd = onEnd;
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public String kind() {
        return kind;
    }

    StreamHandler handler() {
        return handler;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException, InterruptedException {
        send(FrameType.DATA, bytes, offset, length);
    }

    @Override
    public void writeDeflated(byte[] bytes, int offset, int length) throws IOException, InterruptedException {
        send(FrameType.DEFLATED, bytes, offset, length);
    }

    private void send(FrameType type, byte[] bytes, int offset, int length) throws IOException, InterruptedException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        while (length > 0) {
            // a write that fits one frame goes as one frame, whole: handlers (exec) tag their payloads
            int chunk = Math.min(length, Frame.MAX_PAYLOAD);
            synchronized (this) {
                while (open && sendCredit < chunk) {
                    wait();
                }
                if (!open) {
                    throw new IOException("stream " + id + " (" + kind + ") has ended: " + endReason);
                }
                sendCredit -= chunk;
            }
            out.send(new Frame(type, id, Arrays.copyOfRange(bytes, offset, offset + chunk)));
            offset += chunk;
            length -= chunk;
        }
    }

    @Override
    public void close(Integer exitCode) {
        if (end("closed by the agent")) {
            out.send(Frame.json(FrameType.CLOSE, id, new StreamClose(exitCode)));
        }
    }

    @Override
    public void fail(String code, String message) {
        if (end("failed: " + message)) {
            out.send(Frame.json(FrameType.ERROR, id, new StreamError(code, message)));
        }
    }

    @Override
    public synchronized boolean isOpen() {
        return open;
    }

    synchronized long sendCredit() {
        return sendCredit;
    }

    /** Runs the handler's open on the stream's executor; a refusal becomes an ERROR frame. */
    void start(io.labctl.protocol.channel.StreamOpen request) {
        serial.execute(() -> {
            if (!isOpen()) {
                return; // aborted before the handler got to it: do not start work nobody will read
            }
            try {
                StreamReceiver r = handler.open(request, this);
                receiver = r == null ? StreamReceiver.IGNORE : r;
                if (isOpen()) {
                    grant(RECEIVE_WINDOW);
                }
                if (handoverAsked && isOpen()) {
                    receiver.handOver();
                }
            } catch (Exception | LinkageError e) {
                String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                fail(StreamErrors.OPEN_FAILED, "cannot open " + kind + " stream: " + why);
            }
        });
    }

    void creditGranted(long bytes) {
        synchronized (this) {
            sendCredit = Math.min(Long.MAX_VALUE / 2, sendCredit + bytes);
            notifyAll();
        }
    }

    void dataFromLabd(byte[] payload) {
        serial.execute(() -> {
            if (receiver == null || !isOpen()) {
                return;
            }
            receiver.onData(ByteBuffer.wrap(payload));
            consumedSinceGrant += payload.length;
            // grant in batches: one CREDIT frame per quarter window, not one per DATA frame
            if (consumedSinceGrant >= RECEIVE_WINDOW / 4 && isOpen()) {
                grant(consumedSinceGrant);
                consumedSinceGrant = 0;
            }
        });
    }

    void inputClosedByLabd() {
        serial.execute(() -> {
            if (receiver != null && isOpen()) {
                receiver.onInputClosed();
            }
        });
    }

    /** Asked to hand over before the handler's open returned: done as soon as it has. */
    private volatile boolean handoverAsked;

    /**
     * Asks the receiver to hand the stream over; false when it cannot or has ended. A stream whose handler is still
     * opening it says yes and is asked once it is open (if it then cannot, it is ended with the connection).
     */
    boolean handOver() {
        StreamReceiver r = receiver;
        if (!isOpen()) {
            return false;
        }
        if (r == null) {
            handoverAsked = true;
            r = receiver;
            if (r == null) {
                return true;
            }
        }
        try {
            return r.handOver();
        } catch (RuntimeException e) {
            return false;  // a receiver that fails here simply runs on
        }
    }

    /** Ends the stream from outside (labd's ERROR, connection lost, handler gone); the receiver learns why. */
    void abort(String reason) {
        if (end(reason)) {
            serial.execute(() -> {
                if (receiver != null) {
                    receiver.onAbort(reason);
                }
            });
        }
    }

    /** Ends the stream from the agent's side without the handler asking (its bundle went away): labd gets an
     *  ERROR frame and the receiver learns why. */
    void abortWithError(String code, String message) {
        if (end(message)) {
            out.send(Frame.json(FrameType.ERROR, id, new StreamError(code, message)));
            serial.execute(() -> {
                if (receiver != null) {
                    receiver.onAbort(message);
                }
            });
        }
    }

    private void grant(int bytes) {
        out.send(Frame.credit(id, bytes));
    }

    private boolean end(String reason) {
        synchronized (this) {
            if (!open) {
                return false;
            }
            open = false;
            endReason = reason;
            notifyAll();
        }
        onEnd.accept(this);
        return true;
    }
}
