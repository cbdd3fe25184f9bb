package io.labctl.bastion.tftp;

import java.nio.ByteBuffer;

/** In-memory content, e.g. a generated boot script. Copied into a direct buffer so sends avoid another copy. */
public final class ByteArraySource implements TftpSource {
    private final ByteBuffer view;

    public ByteArraySource(byte[] content) {
        ByteBuffer direct = ByteBuffer.allocateDirect(content.length);
        direct.put(content).flip();
        this.view = direct;
    }

    @Override
    public long size() {
        return view.capacity();
    }

    @Override
    public ByteBuffer chunk(long position, int length) {
        int from = Math.toIntExact(position);
        view.limit(from + length).position(from);
        return view;
    }
}
