package io.labctl.cli.exec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Fan-out output: each line of a server's stdout (stderr) goes to our stdout (stderr) as one write, prefixed
 * {@code NAME: }, so lines of parallel servers never mix. A line longer than {@value #LONGEST} bytes is cut.
 */
final class LineOutput implements ExecStream.Output {
    static final int LONGEST = 64 * 1024;

    private final byte[] prefix;
    private final Object lock;
    private final Lines out;
    private final Lines err;

    /** @param lock shared by all servers writing to the same stdout and stderr */
    LineOutput(String server, OutputStream stdout, OutputStream stderr, Object lock) {
        this.prefix = (server + ": ").getBytes(StandardCharsets.UTF_8);
        this.lock = lock;
        this.out = new Lines(stdout);
        this.err = new Lines(stderr);
    }

    @Override
    public void stdout(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
    }

    @Override
    public void stderr(byte[] b, int off, int len) throws IOException {
        err.write(b, off, len);
    }

    /** Ends a last line that had no newline. */
    void finish() throws IOException {
        out.flushPartial();
        err.flushPartial();
    }

    /** Writes a message of labctl's own about this server, e.g. "error: ...", as one line on stderr. */
    void note(String message) throws IOException {
        byte[] text = (message + "\n").getBytes(StandardCharsets.UTF_8);
        err.emit(text, 0, text.length, false);
    }

    private final class Lines {
        private final OutputStream target;
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        Lines(OutputStream target) {
            this.target = target;
        }

        void write(byte[] b, int off, int len) throws IOException {
            int end = off + len;
            int start = off;
            for (int i = off; i < end; i++) {
                if (b[i] == '\n') {
                    partial.write(b, start, i + 1 - start);
                    byte[] line = partial.toByteArray();
                    partial.reset();
                    emit(line, 0, line.length, false);
                    start = i + 1;
                } else if (partial.size() + (i + 1 - start) >= LONGEST) {
                    partial.write(b, start, i + 1 - start);
                    byte[] line = partial.toByteArray();
                    partial.reset();
                    emit(line, 0, line.length, true);
                    start = i + 1;
                }
            }
            partial.write(b, start, end - start);
        }

        void flushPartial() throws IOException {
            if (partial.size() > 0) {
                byte[] line = partial.toByteArray();
                partial.reset();
                emit(line, 0, line.length, true);
            }
        }

        void emit(byte[] line, int off, int len, boolean addNewline) throws IOException {
            byte[] whole = new byte[prefix.length + len + (addNewline ? 1 : 0)];
            System.arraycopy(prefix, 0, whole, 0, prefix.length);
            System.arraycopy(line, off, whole, prefix.length, len);
            if (addNewline) {
                whole[whole.length - 1] = '\n';
            }
            synchronized (lock) {
                target.write(whole);
                target.flush();
            }
        }
    }
}
