package io.labctl.cli;

import java.io.IOException;

/**
 * A stdout that also takes a log's compressed bytes as they came from the agent (one raw DEFLATE stream, see
 * {@link io.labctl.protocol.channel.StreamCompressor}) and has them decoded where they are printed. The labctl
 * session's stdout is one: its client inflates them, so the session relays a tenth of the bytes and does no
 * inflating. One DEFLATE stream per invocation; plain writes and compressed ones arrive in the order they were made.
 */
public interface CompressedStdout {
    void writeDeflated(byte[] bytes, int offset, int length) throws IOException;
}
