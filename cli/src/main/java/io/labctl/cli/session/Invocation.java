package io.labctl.cli.session;

import io.labctl.cli.Cli;
import io.labctl.cli.CompressedStdout;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.Stdio;
import io.labctl.cli.exec.InterruptSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;

/**
 * One labctl invocation in the session, for one connected client: the verb runs here with the client's arguments,
 * environment and directories; its stdout and stderr go back as frames, stdin comes in once the verb reads it, and
 * the client's Ctrl-C (or its disappearance) cancels what the verb is running on the servers.
 */
final class Invocation {
    /** Stdin chunks held before the client is made to wait: bounds what a fast producer can queue here. */
    private static final int STDIN_QUEUE = 16;
    private static final int OUTPUT_BUFFER = 32 * 1024;

    private final FrameChannel frames;
    private final SessionServer.Runner runner;
    private final CtrlC ctrlC = new CtrlC();
    private final AtomicBoolean finished = new AtomicBoolean();

    private final SessionRenewals renewals;

    Invocation(FrameChannel frames, SessionServer.Runner runner, SessionRenewals renewals) {
        this.frames = frames;
        this.runner = runner;
        this.renewals = renewals;
    }

    /** Serves the client; its request must arrive whole within {@code requestLimit}, else it is dropped. */
    void serve(Duration requestLimit, ScheduledExecutorService timer) {
        try (frames) {
            FrameChannel.Frame first = frames.receiveWithin(requestLimit, timer);
            if (first == null || first.type() != FrameChannel.REQUEST) {
                return;
            }
            SessionRequest request;
            try {
                request = SessionRequest.decode(first.payload());
            } catch (IOException e) {
                frames.send(FrameChannel.RUN_LOCALLY, bytes("the session cannot read this request: " + e.getMessage()));
                return;
            }
            run(request);
        } catch (IOException e) {
            // the client went away: nothing to answer
        }
    }

    private void run(SessionRequest request) throws IOException {
        StdinPipe stdin = new StdinPipe(frames);
        FrameOutput out = new FrameOutput(frames, FrameChannel.STDOUT);
        FrameOutput err = new FrameOutput(frames, FrameChannel.STDERR);
        PrintWriter outText = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter errText = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        Cli cli = new Cli(outText, errText, request.env(), Path.of(request.home()), Clock.systemUTC(),
                new Stdio(stdin, out, err, request::stdinTerminal), ctrlC, Path.of(request.workingDir()));
        String[] args = request.args().toArray(new String[0]);
        IntSupplier verb;
        try {
            verb = runner.prepare(cli, args);
        } catch (RuntimeException e) {
            frames.send(FrameChannel.RUN_LOCALLY, bytes("the session could not prepare this command: " + e));
            return;
        }
        if (verb == null) {
            frames.send(FrameChannel.RUN_LOCALLY, bytes("this command uses the local terminal or files"));
            return;
        }
        frames.send(FrameChannel.STARTED);
        renewals.served(cli);
        renewals.tellOnce(cli);
        Thread reader = new Thread(() -> readClient(stdin, out, err), "labctl-session-client");
        reader.setDaemon(true);
        reader.start();
        int code;
        try {
            code = verb.getAsInt();
        } catch (RuntimeException | Error e) {
            errText.println("error: the labctl session failed: " + e + " (run again with LABCTL_SESSION=off)");
            code = ExitCodes.UNREACHABLE;
        } finally {
            stdin.end();
        }
        outText.flush();
        errText.flush();
        if (finished.compareAndSet(false, true)) {
            frames.sendInt(FrameChannel.EXIT, code);
        }
    }

    /** Stdin, Ctrl-C and vanished outputs from the client, until it closes the socket. */
    private void readClient(StdinPipe stdin, FrameOutput out, FrameOutput err) {
        try {
            for (FrameChannel.Frame f = frames.receive(); f != null; f = frames.receive()) {
                switch (f.type()) {
                    case FrameChannel.STDIN -> stdin.offer(f.payload());
                    case FrameChannel.STDIN_EOF -> stdin.eof();
                    case FrameChannel.INTERRUPT -> interrupted();
                    case FrameChannel.OUTPUT_GONE -> (f.payload().length == 1 && f.payload()[0] == 2 ? err : out).gone();
                    default -> throw new IOException("unexpected frame type " + f.type() + " from the client");
                }
            }
        } catch (IOException e) {
            // closed by us at the end, or the client broke the protocol: either way it is gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stdin.end();
        if (!finished.get()) {
            ctrlC.fire();  // the client was killed or lost: stop what it started, as its own exit would have
        }
    }

    /**
     * Ctrl-C on the client: stop the remote work and let the verb exit 130 as it would locally. With no remote work
     * to stop (a plain request to labd), a local labctl would have died at once: answer 130 at once, likewise.
     */
    private void interrupted() throws IOException {
        if (!ctrlC.fire() && finished.compareAndSet(false, true)) {
            frames.sendInt(FrameChannel.EXIT, ExitCodes.CANCELLED);
            frames.close();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Ctrl-C from the client: the first one reaches everything registered now or later; a second one the client handles. */
    static final class CtrlC implements InterruptSource {
        private final Set<Runnable> cancels = ConcurrentHashMap.newKeySet();
        private volatile boolean fired;

        @Override
        public InterruptSource.Registration install(Runnable cancel, Runnable restore) {
            cancels.add(cancel);
            if (fired) {
                cancel.run();
            }
            return () -> cancels.remove(cancel);
        }

        /** @return whether anything was listening */
        boolean fire() {
            fired = true;
            boolean any = false;
            for (Runnable c : cancels) {
                c.run();
                any = true;
            }
            return any;
        }
    }

    /** The client's stdin, asked for on the first read; bounded, so a fast producer waits for the verb. */
    static final class StdinPipe extends InputStream {
        private static final byte[] END = new byte[0];
        private final FrameChannel frames;
        private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(STDIN_QUEUE);
        private final AtomicBoolean asked = new AtomicBoolean();
        private volatile boolean ended;
        private byte[] chunk;
        private int pos;

        StdinPipe(FrameChannel frames) {
            this.frames = frames;
        }

        void offer(byte[] b) throws InterruptedException {
            if (!ended && b.length > 0) {
                chunks.put(b);
            }
        }

        /** The client's stdin ended: the verb reads what is queued, then the end. Waits for room like data. */
        void eof() throws InterruptedException {
            if (!ended) {
                ended = true;
                chunks.put(END);
            }
        }

        /** No more input matters (the client left, or the verb finished): drops what is queued. Never blocks. */
        void end() {
            ended = true;
            chunks.clear();
            chunks.offer(END);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (asked.compareAndSet(false, true) && !ended) {
                frames.send(FrameChannel.WANT_STDIN);
            }
            if (chunk == null || pos == chunk.length) {
                try {
                    chunk = chunks.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for stdin");
                }
                pos = 0;
                if (chunk == END) {
                    chunks.offer(END);  // every later read sees the end too
                    chunk = null;
                    return -1;
                }
            }
            int n = Math.min(len, chunk.length - pos);
            System.arraycopy(chunk, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    /** stdout or stderr as frames; buffered until flushed, as the verbs flush what must be seen. */
    static final class FrameOutput extends OutputStream implements CompressedStdout {
        private final FrameChannel frames;
        private final byte type;
        private final byte[] buffer = new byte[OUTPUT_BUFFER];
        private int count;
        private volatile boolean gone;

        FrameOutput(FrameChannel frames, byte type) {
            this.frames = frames;
            this.type = type;
        }

        /** The client can no longer write this stream: later writes fail as a write to a closed pipe does. */
        void gone() {
            gone = true;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            check();
            if (len >= buffer.length) {
                flushBuffer();
                for (int at = off, end = off + len; at < end; at += FrameChannel.MAX_PAYLOAD) {
                    frames.send(type, b, at, Math.min(FrameChannel.MAX_PAYLOAD, end - at));
                }
                return;
            }
            if (count + len > buffer.length) {
                flushBuffer();
            }
            System.arraycopy(b, off, buffer, count, len);
            count += len;
        }

        /** Passes compressed stdout on as it is, after what was written before it; only for the STDOUT stream. */
        @Override
        public synchronized void writeDeflated(byte[] b, int off, int len) throws IOException {
            if (type != FrameChannel.STDOUT) {
                throw new IOException("only stdout takes compressed bytes");
            }
            check();
            flushBuffer();
            frames.send(FrameChannel.STDOUT_DEFLATED, b, off, len);
        }

        @Override
        public synchronized void flush() throws IOException {
            check();
            flushBuffer();
        }

        private void flushBuffer() throws IOException {
            if (count > 0) {
                int n = count;
                count = 0;
                frames.send(type, buffer, 0, n);
            }
        }

        private void check() throws IOException {
            if (gone) {
                count = 0;
                throw new IOException("Broken pipe");
            }
        }
    }
}
