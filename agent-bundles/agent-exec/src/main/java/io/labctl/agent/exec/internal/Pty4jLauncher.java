package io.labctl.agent.exec.internal;

import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import com.pty4j.WinSize;
import java.io.File;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Terminals from pty4j. The only class that touches pty4j, so that a pty4j that cannot load here (no native
 * library for this platform, JNA missing) fails just the tty streams, as a LinkageError at {@link #start}.
 */
final class Pty4jLauncher implements TerminalLauncher {
    @Override
    public ExecProcess start(List<String> command, Map<String, String> environment, File directory, int cols,
                             int rows) throws IOException {
        PtyProcess process = new PtyProcessBuilder(sizedFirst(command, cols, rows).toArray(String[]::new))
                .setEnvironment(environment)
                .setDirectory(directory.getPath())
                .setInitialColumns(cols)
                .setInitialRows(rows)
                .setRedirectErrorStream(true)
                .start();
        return new Terminal(process);
    }

    /**
     * pty4j sets the initial window size after the child has started, so a quick command (stty size) could see 0x0.
     * The child sets its own terminal's size first, then becomes the command (exec: same pid, nothing in between).
     * cols and rows are numbers checked by ExecRequest; the command stays an argument vector.
     */
    static List<String> sizedFirst(List<String> command, int cols, int rows) {
        List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c",
                "stty cols " + cols + " rows " + rows + " 2>/dev/null; exec \"$@\"", "sh"));
        wrapped.addAll(command);
        return wrapped;
    }

    private static final class Terminal implements ExecProcess {
        private final PtyProcess process;
        private final OutputStream stdin;

        Terminal(PtyProcess process) {
            this.process = process;
            this.stdin = new WholeArrays(process.getOutputStream());
        }

        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public InputStream stdout() {
            return process.getInputStream();
        }

        @Override
        public InputStream stderr() {
            return null;
        }

        @Override
        public OutputStream stdin() {
            return stdin;
        }

        @Override
        public int waitFor() throws InterruptedException {
            return process.waitFor();
        }

        @Override
        public boolean tty() {
            return true;
        }

        @Override
        public void resize(int cols, int rows) {
            process.setWinSize(new WinSize(cols, rows));
        }
    }

    /** pty4j 0.13's PTYOutputStream copies to the wrong index when the offset is not 0: hand it whole arrays. */
    private static final class WholeArrays extends FilterOutputStream {
        WholeArrays(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(off == 0 && len == b.length ? b : Arrays.copyOfRange(b, off, off + len));
        }
    }
}
