package io.labctl.agent.logs.internal;

import io.labctl.agent.api.StreamChannel;
import io.labctl.protocol.channel.Frame;
import io.labctl.protocol.logs.LogsRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Test double of the agent core's stream: records each payload the handler writes, and makes write() wait for
 * credit the test grants, like the core does with labd's credit. close/fail/abort end it once, like the core.
 */
final class RecordingChannel implements StreamChannel {
    private final int id;
    private final List<byte[]> payloads = new ArrayList<>();
    private long credit;
    private boolean open = true;
    private boolean closed;
    private Integer exitCode;
    private String errorCode;
    private String errorMessage;
    private int writersWaiting;

    RecordingChannel(int id, long initialCredit) {
        this.id = id;
        this.credit = initialCredit;
    }

    RecordingChannel() {
        this(1, Long.MAX_VALUE / 2);
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public String kind() {
        return LogsRequest.KIND;
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
    synchronized void abortFromLabd() {
        if (open) {
            open = false;
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

    /** Waits until the output contains the text; false on timeout. */
    boolean awaitOutput(String text, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            if (text().contains(text)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    synchronized List<byte[]> payloads() {
        return List.copyOf(payloads);
    }

    synchronized byte[] output() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        payloads.forEach(p -> out.write(p, 0, p.length));
        return out.toByteArray();
    }

    String text() {
        return new String(output(), StandardCharsets.UTF_8);
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
}
