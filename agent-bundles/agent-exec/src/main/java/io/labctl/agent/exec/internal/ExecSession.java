package io.labctl.agent.exec.internal;

import io.labctl.agent.api.StreamChannel;
import io.labctl.agent.api.StreamReceiver;
import io.labctl.protocol.exec.ExecRequest;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running command on one exec stream: pumps its output to labd, feeds it labd's input, and closes the stream
 * with its exit code once it has exited and all its output is sent.
 */
final class ExecSession implements StreamReceiver {
    /** Output is read and sent in chunks of at most this, so a tagged payload fits in one 64 KiB frame. */
    static final int CHUNK = 32 * 1024;
    /** The ERROR code for streams ended because this handler went away (the agent core uses the same). */
    static final String CAPABILITY_REMOVED = "capability-removed";

    private static final Logger LOG = LoggerFactory.getLogger(ExecHandler.class);

    private final StreamChannel channel;
    private final ExecRequest request;
    private final ExecProcess process;
    private final Consumer<ExecSession> onEnd;
    private final long startNanos;
    private final StdinFeeder stdin;
    private final String name;
    /** Why the stream ended before the command did (aborted, handler removed), or null. */
    private volatile String endedEarly;
    private volatile boolean removed;

    ExecSession(StreamChannel channel, ExecRequest request, ExecProcess process, long startNanos,
                Consumer<ExecSession> onEnd) {
        this.channel = channel;
        this.request = request;
        this.process = process;
        this.startNanos = startNanos;
        this.onEnd = onEnd;
        this.name = "exec-" + channel.id() + "-" + process.pid();
        this.stdin = new StdinFeeder(process.stdin(), process.tty(), channel::isOpen, name + "-stdin");
    }

    long pid() {
        return process.pid();
    }

    /** Starts the output pumps; the stdout pump ends the stream once everything is sent. */
    void start() {
        Thread stderrPump = null;
        InputStream stderr = process.stderr();
        if (stderr != null) {
            stderrPump = new Thread(() -> pump(stderr, ExecRequest.STDERR), name + "-stderr");
            stderrPump.setDaemon(true);
        }
        Thread otherPump = stderrPump;
        Thread stdoutPump = new Thread(() -> {
            pump(process.stdout(), ExecRequest.STDOUT);
            finish(otherPump);
        }, name + "-stdout");
        stdoutPump.setDaemon(true);
        if (stderrPump != null) {
            stderrPump.start();
        }
        stdoutPump.start();
    }

    @Override
    public void onData(ByteBuffer data) {
        if (!data.hasRemaining()) {
            return;
        }
        byte tag = data.get();
        if (tag == ExecRequest.STDIN) {
            stdin.offer(data);
        } else if (tag == ExecRequest.RESIZE) {
            resize(data);
        } else {
            LOG.debug("exec stream {}: ignoring input tagged {}", channel.id(), tag);
        }
    }

    @Override
    public void onInputClosed() {
        stdin.endOfInput();
    }

    @Override
    public void onAbort(String reason) {
        if (endEarly("stream aborted: " + reason)) {
            LOG.info("exec {} (stream {}) pid {}: stream aborted ({}), ending its processes", argv0(), channel.id(),
                    pid(), reason);
            killInBackground();
        }
    }

    /**
     * Ends the stream because the handler is going away and returns the processes to kill, so that the handler
     * can end all its sessions' processes in one grace period.
     */
    List<ProcessHandle> endForRemoval() {
        removed = true;
        endEarly("the exec handler was stopped");
        channel.fail(CAPABILITY_REMOVED, "exec on " + HostName.get() + " was stopped while " + argv0()
                + " ran; its processes were killed");
        return tree();
    }

    private synchronized boolean endEarly(String why) {
        if (endedEarly != null) {
            return false;
        }
        endedEarly = why;
        stdin.stop();
        return true;
    }

    private List<ProcessHandle> tree() {
        return ProcessTree.snapshot(process.pid(), process.tty());
    }

    private void killInBackground() {
        Thread killer = new Thread(() -> ProcessTree.kill(tree(), ProcessTree.GRACE), name + "-kill");
        killer.setDaemon(true);
        killer.start();
    }

    private void resize(ByteBuffer data) {
        if (!process.tty() || data.remaining() < 4) {
            return; // without a terminal there is nothing to resize
        }
        int cols = Short.toUnsignedInt(data.getShort());
        int rows = Short.toUnsignedInt(data.getShort());
        if (cols == 0 || rows == 0) {
            return;
        }
        try {
            process.resize(cols, rows);
        } catch (RuntimeException e) {
            // the terminal is already gone with its process
            LOG.debug("exec stream {}: resize to {}x{} failed: {}", channel.id(), cols, rows, e.toString());
        }
    }

    /**
     * Copies one output stream to labd; keeps reading (and drops) once labd cannot take it, so nothing blocks.
     * It leaves the stream open: a terminal's output ends when the command has closed its last descriptor, which
     * may be just before it exits, and closing the terminal's master then would hang the command up (SIGHUP, 129).
     * {@link #finish} closes the streams once the command has exited.
     */
    private void pump(InputStream in, byte tag) {
        byte[] buffer = new byte[CHUNK];
        boolean sending = true;
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (n == 0 || !sending) {
                    continue;
                }
                try {
                    // waits for labd's credit: a slow reader slows the command down, nothing piles up here
                    channel.write(ExecRequest.tagged(tag, buffer, 0, n), 0, n + 1);
                } catch (IOException | InterruptedException e) {
                    sending = false;
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                    // nobody can read the output any more: the command has no one to serve
                    if (endEarly("output stream ended: " + e.getMessage())) {
                        killInBackground();
                    }
                }
            }
        } catch (IOException e) {
            // a terminal reports its end as an error (EIO) rather than EOF
        }
    }

    private void finish(Thread otherPump) {
        Integer exitCode = null;
        try {
            if (otherPump != null) {
                otherPump.join();
            }
            exitCode = process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stdin.stop();
        closeQuietly(process.stdin());
        closeQuietly(process.stdout());
        if (process.stderr() != null) {
            closeQuietly(process.stderr());
        }
        onEnd.accept(this);
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        String early = endedEarly;
        LOG.info("exec {} (stream {}) pid {} exited with {} after {} ms{}", argv0(), channel.id(), pid(), exitCode,
                millis, early == null ? "" : " (" + early + ")");
        // whoever ended the stream early has already closed or failed it: this call then changes nothing
        if (!removed) {
            channel.close(exitCode);
        }
    }

    private String argv0() {
        return request.command().get(0);
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException e) {
            // already closed
        }
    }
}
