package io.labctl.agent.exec.internal;

import io.labctl.agent.api.StreamChannel;
import io.labctl.protocol.channel.Frame;
import io.labctl.protocol.exec.ExecRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Test double of the agent core's stream: records each payload the handler writes, and makes write() wait for
 * credit the test grants, like the core does with labd's credit. close/fail/abort end it once, like the core.
 */
final class RecordingChannelDouble implements StreamChannel {
    private final int id;
    private final List<byte[]> payloads = new ArrayList<>();
    private long credit;
    private boolean open = true;
    private boolean closed;
    private Integer exitCode;
    private String errorCode;
    private String errorMessage;
    private String abortReason;
    private int writersWaiting;

    RecordingChannelDouble(int id, long initialCredit) {
        this.id = id;
        this.credit = initialCredit;
    }

    RecordingChannelDouble() {
        this(1, Long.MAX_VALUE / 2);
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public String kind() {
        return ExecRequest.KIND;
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException, InterruptedException {
        if (length > Frame.MAX_PAYLOAD) {
            throw new AssertionError("payload of " + length + " bytes exceeds a frame");
        }
        writersWaiting++;
        try {
            while (open && credit <= 0) {
                wait();
            }
        } finally {
            writersWaiting--;
        }
        if (!open) {
            throw new IOException("stream " + id + " has ended");
        }
        // the whole payload goes out even if it overdraws the credit: the test sees what the handler handed over
        credit -= length;
        byte[] copy = new byte[length];
        System.arraycopy(bytes, offset, copy, 0, length);
        payloads.add(copy);
    }

    @Override
    public synchronized void close(Integer code) {
        if (open) {
            open = false;
            closed = true;
            exitCode = code;
            notifyAll();
        }
    }

    @Override
    public synchronized void fail(String code, String message) {
        if (open) {
            open = false;
            errorCode = code;
            errorMessage = message;
            notifyAll();
        }
    }

    @Override
    public synchronized boolean isOpen() {
        return open;
    }

    /** What the core does when labd fails the stream: end it; the test then calls the receiver's onAbort. */
    synchronized void abortFromLabd(String reason) {
        if (open) {
            open = false;
            abortReason = reason;
            notifyAll();
        }
    }

    synchronized void grant(long bytes) {
        credit += bytes;
        notifyAll();
    }

    synchronized boolean writerWaitingForCredit() {
        return writersWaiting > 0;
    }

    /** Waits until the stream has ended; false on timeout. */
    synchronized boolean awaitEnd(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (open) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /** Waits until the bytes written with this tag contain the text; false on timeout. */
    boolean awaitOutput(byte tag, String text, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            if (new String(output(tag), java.nio.charset.StandardCharsets.UTF_8).contains(text)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    synchronized List<byte[]> payloads() {
        return List.copyOf(payloads);
    }

    /** The bytes written with this tag, tags stripped, in order. */
    synchronized byte[] output(byte tag) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : payloads) {
            if (p[0] == tag) {
                out.write(p, 1, p.length - 1);
            }
        }
        return out.toByteArray();
    }

    synchronized boolean closed() {
        return closed;
    }

    synchronized Integer exitCode() {
        return exitCode;
    }

    synchronized String errorCode() {
        return errorCode;
    }

    synchronized String errorMessage() {
        return errorMessage;
    }

    synchronized String abortReason() {
        return abortReason;
    }
}
