package io.labctl.protocol.channel;

import java.io.IOException;
import java.util.zip.Deflater;

/**
 * The sending end of a {@link FrameType#DEFLATED} stream: one raw DEFLATE context (RFC 1951, no zlib header) for the
 * whole stream, so text repeated across frames compresses too. Output is gathered into payloads of up to
 * {@link Frame#MAX_PAYLOAD} bytes, handed on when full or at {@link #flush()}, which ends what was written so far at a
 * byte boundary (zlib's sync flush): the receiver can then decode all of it. Level 1: on log text it compresses about
 * tenfold at several hundred MB/s in zlib's native code, far cheaper than encrypting and relaying ten times the bytes.
 * Not thread-safe: one writer per stream.
 */
public final class StreamCompressor implements AutoCloseable {
    /** Where full payloads go: usually the stream's DEFLATED frames. The bytes are only valid during the call. */
    @FunctionalInterface
    public interface PayloadWriter {
        void write(byte[] bytes, int offset, int length) throws IOException, InterruptedException;
    }

    private final Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
    private final byte[] payload = new byte[Frame.MAX_PAYLOAD];
    private final PayloadWriter out;
    private int filled;
    /** Input was given since the last flush: a flush has something to end. */
    private boolean unflushed;
    private long bytesIn;
    private long bytesOut;

    public StreamCompressor(PayloadWriter out) {
        this.out = out;
    }

    /** Compresses these bytes; full payloads are written on the way, the rest waits for more input or a flush. */
    public void write(byte[] bytes, int offset, int length) throws IOException, InterruptedException {
        if (length == 0) {
            return;
        }
        deflater.setInput(bytes, offset, length);
        while (!deflater.needsInput()) {
            deflate(Deflater.NO_FLUSH);
        }
        bytesIn += length;
        unflushed = true;
    }

    /** Writes out everything compressed so far, decodable on its own after the payloads before it. */
    public void flush() throws IOException, InterruptedException {
        if (!unflushed) {
            return;
        }
        // a sync flush that fills the space it was given may have more to give: ask again with fresh space
        while (deflate(Deflater.SYNC_FLUSH)) {
            // the full payload was written by deflate
        }
        if (filled > 0) {
            emit();
        }
        unflushed = false;
    }

    /**
     * Ends the DEFLATE stream after everything written so far (its final block) and writes it out; the receiver's
     * {@link StreamDecompressor} then takes a new stream after it. Nothing may be written afterwards. A compressor
     * that never took input writes nothing: the receiver has seen no stream to end.
     */
    public void finish() throws IOException, InterruptedException {
        if (bytesIn == 0) {
            return;
        }
        deflater.finish();
        while (!deflater.finished()) {
            deflate(Deflater.NO_FLUSH);
        }
        if (filled > 0) {
            emit();
        }
        unflushed = false;
    }

    /** One deflate call into the payload's free space; writes the payload when full and then returns true. */
    private boolean deflate(int flush) throws IOException, InterruptedException {
        filled += deflater.deflate(payload, filled, payload.length - filled, flush);
        if (filled < payload.length) {
            return false;
        }
        emit();
        return true;
    }

    private void emit() throws IOException, InterruptedException {
        int n = filled;
        filled = 0;
        bytesOut += n;
        out.write(payload, 0, n);
    }

    /** Bytes given to {@link #write}. */
    public long bytesIn() {
        return bytesIn;
    }

    /** Compressed bytes written out. */
    public long bytesOut() {
        return bytesOut;
    }

    /** Frees zlib's native memory; what was not flushed is dropped. */
    @Override
    public void close() {
        deflater.end();
    }
}
