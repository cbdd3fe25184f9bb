package io.labctl.bastion.tftp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file read through a sliding memory-mapped window: blocks are sent straight from the page cache
 * with no read syscall and no copy into a heap buffer.
 */
public final class MappedFileSource implements TftpSource {
    /** Big enough for many blocks, small enough to not pin address space for huge images. */
    private static final long WINDOW = 64L * 1024 * 1024;
    private static final ByteBuffer EMPTY = ByteBuffer.allocateDirect(0);

    private final FileChannel channel;
    private final long size;
    private MappedByteBuffer window;
    private long windowStart;

    public MappedFileSource(Path file) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        this.size = channel.size(); // size is fixed at open: tsize and the block count depend on it
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public ByteBuffer chunk(long position, int length) throws IOException {
        if (length == 0) {
            return EMPTY;
        }
        if (window == null || position < windowStart || position + length > windowStart + window.capacity()) {
            windowStart = position;
            window = channel.map(FileChannel.MapMode.READ_ONLY, position, Math.min(WINDOW, size - position));
        }
        int from = (int) (position - windowStart);
        window.limit(from + length).position(from);
        return window;
    }

    @Override
    public void close() throws IOException {
        window = null; // the mapping itself is released by the GC; the channel can close now
        channel.close();
    }
}
