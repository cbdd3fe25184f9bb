package io.labctl.repository.internal;

import io.labctl.persistence.Sessions;
import java.io.IOException;
import java.io.InputStream;

/**
 * An entry's bytes, read from the database one chunk at a time (each a short query of its own), so a download
 * holds one chunk in memory and no connection between reads. Entries never change; one removed while it is read
 * ends the stream with an IOException rather than a silently short file.
 */
final class ChunkedContent extends InputStream {
    private final Sessions sessions;
    private final long entryId;
    private final long size;
    private final String what;
    private byte[] chunk = new byte[0];
    private int pos;
    private int nextSeq;
    private long delivered;

    ChunkedContent(Sessions sessions, long entryId, long size, String what) {
        this.sessions = sessions;
        this.entryId = entryId;
        this.size = size;
        this.what = what;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (pos == chunk.length && !nextChunk()) {
            return -1;
        }
        int n = Math.min(length, chunk.length - pos);
        System.arraycopy(chunk, pos, buffer, offset, n);
        pos += n;
        delivered += n;
        return n;
    }

    private boolean nextChunk() throws IOException {
        if (delivered >= size) {
            return false;
        }
        int seq = nextSeq;
        ChunkRow row = sessions.mapper(EntryMapper.class, m -> m.chunk(entryId, seq));
        if (row == null || row.data == null || row.data.length == 0) {
            throw new IOException(what + " was removed from the repository while it was being read");
        }
        chunk = row.data;
        pos = 0;
        nextSeq++;
        return true;
    }
}
