package io.labctl.cli.session;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Frames over a blocking Unix socket: one byte of type, four of payload length, then the payload. One thread
 * receives; any thread sends (sends are serialised). Reading and writing go straight to the channel, which allows one
 * reader and one writer at the same time.
 */
final class FrameChannel implements AutoCloseable {
    /** Largest payload either side accepts: a peer that sends more is dropped. */
    static final int MAX_PAYLOAD = 1 << 20;
    /**
     * Largest REQUEST payload: the invocation's arguments, which for exec may take 1 MiB (twice that once escaped as
     * JSON), plus the environment.
     */
    static final int MAX_REQUEST = 4 << 20;

    // client -> server
    static final byte REQUEST = 1;
    static final byte STDIN = 2;
    static final byte STDIN_EOF = 3;
    static final byte INTERRUPT = 4;
    /** The client's stdout (payload 1) or stderr (2) is gone, e.g. the reader of a pipe exited. */
    static final byte OUTPUT_GONE = 5;
    // server -> client
    static final byte STDOUT = 16;
    static final byte STDERR = 17;
    /** The verb reads stdin: the client starts forwarding it (not before, so a verb never eats a script's input). */
    static final byte WANT_STDIN = 18;
    static final byte EXIT = 19;
    /** The client must run this invocation itself; the payload says why. Only ever the first answer. */
    static final byte RUN_LOCALLY = 20;
    /**
     * The verb starts now. Until then a client that loses the session may run the invocation itself; after it, it must
     * not, since the verb may have done something already.
     */
    static final byte STARTED = 21;
    /**
     * Bytes of the verb's one raw DEFLATE stream for stdout (a log that travelled compressed), in order with the
     * STDOUT frames: the client inflates them ({@link io.labctl.cli.CompressedStdout}).
     */
    static final byte STDOUT_DEFLATED = 22;

    record Frame(byte type, byte[] payload) {}

    private final SocketChannel channel;
    private final ByteBuffer header = ByteBuffer.allocate(5);
    private final ByteBuffer sendHeader = ByteBuffer.allocate(5);

    FrameChannel(SocketChannel channel) {
        this.channel = channel;
    }

    static int limit(byte type) {
        return type == REQUEST ? MAX_REQUEST : MAX_PAYLOAD;
    }

    SocketChannel channel() {
        return channel;
    }

    synchronized void send(byte type, byte[] payload, int off, int len) throws IOException {
        if (len > limit(type)) {
            throw new IOException("frame of " + len + " bytes is over the limit of " + limit(type));
        }
        sendHeader.clear();
        sendHeader.put(type).putInt(len).flip();
        ByteBuffer body = ByteBuffer.wrap(payload, off, len);
        ByteBuffer[] both = {sendHeader, body};
        while (sendHeader.hasRemaining() || body.hasRemaining()) {
            channel.write(both);
        }
    }

    void send(byte type, byte[] payload) throws IOException {
        send(type, payload, 0, payload.length);
    }

    void send(byte type) throws IOException {
        send(type, new byte[0], 0, 0);
    }

    void sendInt(byte type, int value) throws IOException {
        send(type, ByteBuffer.allocate(4).putInt(value).array());
    }

    /** The next frame, or null at a clean end of stream (between frames). */
    Frame receive() throws IOException {
        header.clear();
        if (!fill(header, true)) {
            return null;
        }
        header.flip();
        byte type = header.get();
        int len = header.getInt();
        if (len < 0 || len > limit(type)) {
            throw new IOException("peer sent a frame of " + len + " bytes; the limit is " + limit(type));
        }
        ByteBuffer body = ByteBuffer.allocate(len);
        fill(body, false);
        return new Frame(type, body.array());
    }

    /**
     * The next frame, which must arrive whole within {@code limit}: else the channel is closed (by {@code timer}) and
     * this throws. Bounds how long a silent or trickling peer can hold what the caller set aside for it.
     */
    Frame receiveWithin(Duration limit, ScheduledExecutorService timer) throws IOException {
        ScheduledFuture<?> deadline;
        try {
            deadline = timer.schedule(this::close, limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            throw new IOException("the session is closing");
        }
        try {
            return receive();
        } finally {
            deadline.cancel(false);
        }
    }

    private boolean fill(ByteBuffer buf, boolean endAllowed) throws IOException {
        while (buf.hasRemaining()) {
            if (channel.read(buf) < 0) {
                if (endAllowed && buf.position() == 0) {
                    return false;
                }
                throw new EOFException("the peer closed the session socket in the middle of a frame");
            }
        }
        return true;
    }

    static int intOf(byte[] payload) throws IOException {
        if (payload.length != 4) {
            throw new IOException("expected a 4-byte number, got " + payload.length + " bytes");
        }
        return ByteBuffer.wrap(payload).getInt();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
