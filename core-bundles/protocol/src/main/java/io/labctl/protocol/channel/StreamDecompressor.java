package io.labctl.protocol.channel;

import java.io.IOException;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The receiving end of a {@link FrameType#DEFLATED} stream (see {@link StreamCompressor}): payloads are decoded in
 * order, in pieces of at most {@link #PIECE} bytes, so a payload that inflates a thousandfold costs no more memory
 * than any other. A DEFLATE stream that ended may be followed by another one (a log handed over from one version of
 * the agent's logs capability to the next: the old one ends its stream, the new one starts its own), so bytes after
 * the end of one are decoded as the start of the next. Not thread-safe: one reader per stream.
 */
public final class StreamDecompressor implements AutoCloseable {
    /** The largest piece of decoded bytes handed on at once. */
    public static final int PIECE = 256 * 1024;

    /** Where decoded bytes go; they are only valid during the call. */
    @FunctionalInterface
    public interface Output {
        void write(byte[] bytes, int offset, int length) throws IOException;
    }

    private final Inflater inflater = new Inflater(true);
    private final byte[] piece = new byte[PIECE];

    /**
     * Decodes one payload and writes what it yields.
     *
     * @throws ProtocolException if the bytes are not DEFLATE data
     * @throws IOException       if the output failed
     */
    public void decode(byte[] payload, Output output) throws IOException, ProtocolException {
        if (inflater.finished()) {
            inflater.reset();  // the previous stream ended with the previous payload: this one starts the next
        }
        inflater.setInput(payload);
        try {
            while (true) {
                int n = inflater.inflate(piece);
                if (n > 0) {
                    output.write(piece, 0, n);
                } else if (inflater.finished() && inflater.getRemaining() > 0) {
                    // one stream ended inside this payload and the next begins in it
                    int offset = payload.length - inflater.getRemaining();
                    inflater.reset();
                    inflater.setInput(payload, offset, payload.length - offset);
                } else if (inflater.needsDictionary()) {
                    throw new ProtocolException("DEFLATED data asks for a preset dictionary, which this stream has none of");
                } else {
                    return;  // all input taken, nothing more to give until the next payload
                }
            }
        } catch (DataFormatException e) {
            throw new ProtocolException("DEFLATED data does not decode: " + e.getMessage());
        }
    }

    /** Frees zlib's native memory. */
    @Override
    public void close() {
        inflater.end();
    }
}
