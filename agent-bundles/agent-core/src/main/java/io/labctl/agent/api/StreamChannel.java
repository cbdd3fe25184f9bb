package io.labctl.agent.api;

import java.io.IOException;
import java.io.OutputStream;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One stream on the agent's connection, as its handler sees it. Output is credit-controlled: labd grants a number
 * of bytes it is ready to take (in OPEN, then in CREDIT frames), and {@link #write} waits while none is left, so a
 * slow reader on labd's side slows the handler down instead of filling memory.
 */
@ProviderType
public interface StreamChannel {
    /** The stream id labd chose. */
    int id();

    /** The kind this stream was opened as. */
    String kind();

    /**
     * Sends bytes to labd as DATA frames. A write of at most {@link io.labctl.protocol.channel.Frame#MAX_PAYLOAD}
     * bytes arrives as exactly one frame (so a handler may give its payloads a structure); it waits until labd has
     * granted credit for all of it. Longer writes are split at the frame size.
     *
     * @throws IOException if the stream has ended or the connection to labd is gone
     * @throws InterruptedException if the thread was interrupted while waiting for credit
     */
    void write(byte[] bytes, int offset, int length) throws IOException, InterruptedException;

    /**
     * Sends bytes of the stream's one raw DEFLATE stream as DEFLATED frames, under the same credit and splitting as
     * {@link #write}; only on a stream whose OPEN asked for compression. See
     * {@link io.labctl.protocol.channel.StreamCompressor}, which makes such bytes.
     */
    void writeDeflated(byte[] bytes, int offset, int length) throws IOException, InterruptedException;

    /** Ends the stream normally (a CLOSE frame); exitCode may be null for kinds that have none. Idempotent. */
    void close(Integer exitCode);

    /** Ends the stream with an error (an ERROR frame) carrying a stable code and a message for the operator. */
    void fail(String code, String message);

    /** True until the stream is closed, failed or aborted. */
    boolean isOpen();

    /** The stream's output as an OutputStream (closing it does not close the stream; call {@link #close}). */
    default OutputStream outputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    StreamChannel.this.write(b, off, len);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while waiting for labd's credit");
                }
            }
        };
    }
}
