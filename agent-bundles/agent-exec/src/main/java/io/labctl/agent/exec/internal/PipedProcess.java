package io.labctl.agent.exec.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/** A command run directly (no shell, no terminal) with stdin, stdout and stderr as pipes. */
final class PipedProcess implements ExecProcess {
    private final Process process;

    private PipedProcess(Process process) {
        this.process = process;
    }

    static PipedProcess start(List<String> command, File directory) throws IOException {
        return new PipedProcess(new ProcessBuilder(command).directory(directory).start());
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
        return process.getErrorStream();
    }

    @Override
    public OutputStream stdin() {
        return process.getOutputStream();
    }

    @Override
    public int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    @Override
    public boolean tty() {
        return false;
    }

    @Override
    public void resize(int cols, int rows) {}
}
