package io.labctl.agent.logs.internal;

import io.labctl.agent.api.StreamChannel;
import io.labctl.agent.api.StreamReceiver;
import io.labctl.protocol.channel.Frame;
import io.labctl.protocol.channel.StreamCompressor;
import io.labctl.protocol.channel.StreamError;
import java.io.IOException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One logs stream: its work runs on a thread of its own, sends the log's bytes under labd's credit and ends the
 * stream. labd sends no input on it; an abort (or the handler going away) interrupts the thread and stops the work.
 * When the request asked for it, the bytes go out compressed (DEFLATED frames): the work calls {@link #flush} each
 * time it has caught up with the log, so what was read is on its way before the work waits for more.
 */
abstract class LogSession implements StreamReceiver {
    /** Bytes are read and sent in chunks of at most this: one DATA frame each (logs data carries no tag byte). */
    static final int CHUNK = Frame.MAX_PAYLOAD;
    /** The ERROR code for streams ended because this handler went away (the agent core uses the same). */
    static final String CAPABILITY_REMOVED = "capability-removed";
    /** The ERROR code when reading failed for a reason of the host's (I/O error, lost permission). */
    static final String READ_FAILED = "read-failed";

    static final Logger LOG = LoggerFactory.getLogger(LogsHandler.class);

    /** Ends the stream with an ERROR: thrown by the work, sent by the session. */
    static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        final String code;

        Refusal(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    final StreamChannel channel;
    private final String description;
    private final Consumer<LogSession> onEnd;
    private final Thread thread;
    /** Compresses the log's bytes into DEFLATED frames; null to send them as they are (DATA). */
    private final StreamCompressor compressor;
    /** A newer version of this capability asked for the stream (see {@link #handOver}). */
    private volatile boolean handoverAsked;
    /** Why the stream was stopped from outside (aborted, handler removed), or null. */
    private volatile String stopReason;
    private long bytesSent;
    /** How the stream ended, for the log; null until this session ended it itself. */
    private String outcome;

    LogSession(StreamChannel channel, boolean deflate, String description, Consumer<LogSession> onEnd) {
        this.channel = channel;
        this.compressor = deflate ? new StreamCompressor(channel::writeDeflated) : null;
        this.description = deflate ? description + " (deflated)" : description;
        this.onEnd = onEnd;
        this.thread = new Thread(this::runAndReport, "labctl-logs-" + channel.id());
        this.thread.setDaemon(true);
    }

    /** The stream's work: sends the log and ends the stream (close or fail), or throws. */
    abstract void work() throws IOException, InterruptedException, Refusal;

    /** Called once when the stream is stopped from outside, on the stopping thread: must not block. */
    void onStop() {}

    /** Releases what the work held, on the session's thread, after the work ended however it did. */
    void cleanUp() {}

    void start() {
        LOG.info("logs stream {} started: {}", channel.id(), description);
        thread.start();
    }

    @Override
    public void onAbort(String reason) {
        stop("aborted: " + reason);
    }

    /**
     * A newer logs handler serves now: the work hands the stream over at its next point where it can say exactly what
     * comes next ({@link #handOff}). Only a session that {@link #canHandOver} says yes.
     */
    @Override
    public boolean handOver() {
        if (!canHandOver() || stopped()) {
            return false;
        }
        handoverAsked = true;
        return true;
    }

    /** Whether this session's work can be continued from a cursor by another handler. */
    boolean canHandOver() {
        return false;
    }

    boolean handoverAsked() {
        return handoverAsked;
    }

    /**
     * Ends the stream for a handover: what was read goes out (a compressed stream's DEFLATE stream ends, the next
     * handler starts its own), then the cursor, on the same channel after the last data, so it is exact.
     */
    void handOff(String cursor) throws IOException, InterruptedException {
        flush();
        if (compressor != null) {
            compressor.finish();
        }
        outcome = "handed over at " + cursor;
        channel.fail(StreamError.HANDOVER, cursor);
    }

    /** Ends the stream because the handler is going away. */
    void stopForRemoval() {
        channel.fail(CAPABILITY_REMOVED, "logs on this agent were stopped while the stream was open");
        stop("the logs handler was stopped");
    }

    private void stop(String why) {
        synchronized (this) {
            if (stopReason != null) {
                return;
            }
            stopReason = why;
        }
        onStop();
        thread.interrupt();
    }

    boolean stopped() {
        return stopReason != null;
    }

    /** Waits for the session's thread to end; false on timeout. */
    boolean awaitEnd(long millis) throws InterruptedException {
        thread.join(millis);
        return !thread.isAlive();
    }

    /**
     * Sends bytes to labd; waits while labd has granted no credit (the back-pressure). Compressed, they may wait
     * for more or for {@link #flush}.
     */
    void send(byte[] bytes, int offset, int length) throws IOException, InterruptedException {
        if (length <= 0) {
            return;
        }
        if (compressor != null) {
            compressor.write(bytes, offset, length);
        } else {
            channel.write(bytes, offset, length);
        }
        bytesSent += length;
    }

    /** Sends whatever the compressor holds back; call it before waiting for more of the log. */
    void flush() throws IOException, InterruptedException {
        if (compressor != null) {
            compressor.flush();
        }
    }

    /** Ends the stream after the rest of the log went out. */
    void finish(int exitCode) throws IOException, InterruptedException {
        flush();
        outcome = "closed with " + exitCode;
        channel.close(exitCode);
    }

    void fail(String code, String message) {
        outcome = "failed: " + code + ": " + message;
        channel.fail(code, message);
    }

    private void runAndReport() {
        try {
            work();
        } catch (Refusal r) {
            fail(r.code, r.getMessage());
        } catch (InterruptedException | IOException e) {
            // once stopped, interruption and a closed stream are how the work learns it: not an error
            if (stopReason == null && channel.isOpen()) {
                fail(READ_FAILED, "reading failed: " + e);
            }
        } catch (RuntimeException e) {
            LOG.warn("logs stream {} failed", channel.id(), e);
            fail(READ_FAILED, "reading failed: " + e);
        } finally {
            // the clean-up waits for processes: the stop's interrupt must not cut that short
            Thread.interrupted();
            try {
                cleanUp();
            } finally {
                if (outcome == null) {
                    outcome = stopReason != null ? stopReason : "ended from outside";
                }
                String sent = compressor == null ? bytesSent + " bytes sent"
                        : bytesSent + " bytes sent as " + compressor.bytesOut();
                if (compressor != null) {
                    compressor.close();
                }
                onEnd.accept(this);
                LOG.info("logs stream {} ended ({}): {}, {}", channel.id(), description, sent, outcome);
            }
        }
    }
}
