package io.labctl.bastion.tftp;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Something a transfer reads from: a fixed size and random access to its bytes. One per transfer. */
public interface TftpSource extends Closeable {
    long size();

    /**
     * Returns a buffer whose remaining bytes are {@code [position, position + length)} of the content.
     * The buffer may be reused by the next call, so it is only valid until then (this keeps the
     * per-block path allocation free).
     */
    ByteBuffer chunk(long position, int length) throws IOException;

    @Override
    default void close() throws IOException {
    }
}
