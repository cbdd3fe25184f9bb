package io.labctl.cli.exec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Fan-out with -o json: a server's stdout and stderr kept in memory, each up to a limit. */
final class CapturedOutput implements ExecStream.Output {
    private final int limit;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private boolean truncated;

    CapturedOutput(int limit) {
        this.limit = limit;
    }

    @Override
    public synchronized void stdout(byte[] b, int off, int len) {
        keep(out, b, off, len);
    }

    @Override
    public synchronized void stderr(byte[] b, int off, int len) {
        keep(err, b, off, len);
    }

    private void keep(ByteArrayOutputStream to, byte[] b, int off, int len) {
        int room = Math.max(0, limit - to.size());
        if (len > room) {
            truncated = true;
        }
        to.write(b, off, Math.min(len, room));
    }

    synchronized String stdoutText() {
        return out.toString(StandardCharsets.UTF_8);
    }

    synchronized String stderrText() {
        return err.toString(StandardCharsets.UTF_8);
    }

    synchronized boolean truncated() {
        return truncated;
    }
}
