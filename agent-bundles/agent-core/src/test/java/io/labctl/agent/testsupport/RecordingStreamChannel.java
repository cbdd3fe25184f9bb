package io.labctl.agent.testsupport;

import io.labctl.agent.api.StreamChannel;
import io.labctl.protocol.channel.Frame;
import io.labctl.protocol.channel.FrameType;
import io.labctl.protocol.channel.ProtocolException;
import io.labctl.protocol.channel.StreamDecompressor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Test double of the agent core's stream, for handler bundles' tests: records each payload the handler writes (DATA
 * or DEFLATED), and makes the writes wait for credit the test grants, like the core does with labd's credit.
 * close/fail/abort end it once, like the core. A write goes out whole even if it overdraws the credit: the test sees
 * what the handler handed over.
 */
public final class RecordingStreamChannel implements StreamChannel {
    /** One written payload and the frame type it would have gone out as. */
    public record Payload(FrameType type, byte[] bytes) {}

    private final int id;
    private final String kind;
    private final List<Payload> payloads = new ArrayList<>();
    private long credit;
    private boolean open = true;
    private boolean closed;
    private Integer exitCode;
    private String errorCode;
    private String errorMessage;
    private String abortReason;
    private int writersWaiting;

    public RecordingStreamChannel(int id, String kind, long initialCredit) {
        this.id = id;
        this.kind = kind;
        this.credit = initialCredit;
    }

    /** Stream 1 of this kind with credit that never runs out. */
    public RecordingStreamChannel(String kind) {
        this(1, kind, Long.MAX_VALUE / 2);
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException, InterruptedException {
        record(FrameType.DATA, bytes, offset, length);
    }

    @Override
    public void writeDeflated(byte[] bytes, int offset, int length) throws IOException, InterruptedException {
        record(FrameType.DEFLATED, bytes, offset, length);
    }

    private synchronized void record(FrameType type, byte[] bytes, int offset, int length)
            throws IOException, InterruptedException {
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
        payloads.add(new Payload(type, copy));
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
    public synchronized void abortFromLabd(String reason) {
        if (open) {
            open = false;
            abortReason = reason;
            notifyAll();
        }
    }

    public synchronized void grant(long bytes) {
        credit += bytes;
        notifyAll();
    }

    public synchronized boolean writerWaitingForCredit() {
        return writersWaiting > 0;
    }

    /** Waits until the stream has ended; false on timeout. */
    public synchronized boolean awaitEnd(long millis) throws InterruptedException {
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

    /** Waits until the (decoded) output contains the text; false on timeout. */
    public boolean awaitOutput(String text, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            if (text().contains(text)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** Waits until the bytes written with this tag contain the text; false on timeout. */
    public boolean awaitOutput(byte tag, String text, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            if (new String(output(tag), StandardCharsets.UTF_8).contains(text)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    public synchronized List<Payload> payloads() {
        return List.copyOf(payloads);
    }

    /**
     * Everything written, as the CLI would print it: DATA payloads as they are, DEFLATED ones decoded in order
     * (one DEFLATE stream across them, as on the wire).
     */
    public synchronized byte[] output() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (StreamDecompressor inflater = new StreamDecompressor()) {
            for (Payload p : payloads) {
                if (p.type() == FrameType.DEFLATED) {
                    inflater.decode(p.bytes(), out::write);
                } else {
                    out.write(p.bytes(), 0, p.bytes().length);
                }
            }
        } catch (ProtocolException e) {
            throw new AssertionError("the DEFLATED payloads do not decode: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The DATA bytes written with this tag (exec's STDOUT/STDERR), tags stripped, in order. */
    public synchronized byte[] output(byte tag) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Payload p : payloads) {
            if (p.type() == FrameType.DATA && p.bytes()[0] == tag) {
                out.write(p.bytes(), 1, p.bytes().length - 1);
            }
        }
        return out.toByteArray();
    }

    public String text() {
        return new String(output(), StandardCharsets.UTF_8);
    }

    public synchronized boolean closed() {
        return closed;
    }

    public synchronized Integer exitCode() {
        return exitCode;
    }

    public synchronized String errorCode() {
        return errorCode;
    }

    public synchronized String errorMessage() {
        return errorMessage;
    }

    public synchronized String abortReason() {
        return abortReason;
    }
}
