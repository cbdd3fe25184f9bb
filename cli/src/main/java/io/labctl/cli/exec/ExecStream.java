package io.labctl.cli.exec;

import io.labctl.cli.CliException;
import io.labctl.protocol.Api;
import io.labctl.protocol.Durations;
import io.labctl.protocol.channel.Frame;
import io.labctl.protocol.channel.FrameType;
import io.labctl.protocol.channel.ProtocolException;
import io.labctl.protocol.channel.StreamClose;
import io.labctl.protocol.channel.StreamDecompressor;
import io.labctl.protocol.channel.StreamError;
import io.labctl.protocol.channel.StreamOpen;
import io.labctl.protocol.exec.ExecRequest;
import io.labctl.protocol.logs.LogsRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One remote stream over one WebSocket to labd: the client side of the exec stream described in {@link ExecRequest}
 * (single exec and fan-out), and of the logs stream described in {@link LogsRequest}, which uses the same frames
 * without stdin and with untagged DATA, or DEFLATED frames when the request asked for compression (see {@link #logs}).
 *
 * <p>Wire behaviour, all on stream {@value #STREAM}:
 * <ul>
 *   <li>OPEN {kind, params, credit {@value #OUTPUT_WINDOW}} first; then CLOSE at once when there is no stdin.</li>
 *   <li>Output credit: every output byte is written and flushed first, then granted back with CREDIT once
 *       {@value #GRANT_BATCH} bytes (a quarter of the window) are pending. exec output is tagged
 *       STDOUT/STDERR by its first byte; logs output is the log's bytes as they are, all to stdout.</li>
 *   <li>Stdin credit starts at 0: nothing is sent before labd's first CREDIT, and never more STDIN bytes than granted.
 *       Credit counts data bytes, not the tag byte; RESIZE frames take none. EOF is sent as CLOSE.</li>
 *   <li>--timeout or {@link #cancel()}: ERROR {"timeout"|"cancelled"}, then the stream has {@link Timing#grace()} to
 *       end (output keeps flowing meanwhile) before the socket is dropped.</li>
 *   <li>Our output cannot be written (e.g. the reader of a pipe left): ERROR "cancelled", then the socket is closed
 *       politely, so the ERROR is not lost with an abort.</li>
 *   <li>labd closing the socket with {@link Api#ACCESS_REVOKED_CLOSE} (the user's access ended meanwhile): a refusal
 *       whose message is the close reason.</li>
 *   <li>A WebSocket ping after {@link Timing#pingInterval()} of silence; {@link Timing#silenceLimit()} without any
 *       answer counts as a lost connection, as do a close or error of the socket before CLOSE/ERROR.</li>
 * </ul>
 * {@link #run(Connector)} blocks on the calling thread and never throws: every ending is an {@link Outcome}.
 */
public final class ExecStream {
    public static final int STREAM = 1;
    /**
     * Output bytes labd may send before the first CREDIT: what may be in flight between the agent and us. A quarter
     * of it is granted back at a time, so a fast stream never waits a round trip for credit.
     */
    public static final int OUTPUT_WINDOW = 1024 * 1024;
    static final int GRANT_BATCH = OUTPUT_WINDOW / 4;
    /** Largest stdin read, and so the largest STDIN frame; well under Frame.MAX_PAYLOAD. */
    static final int STDIN_CHUNK = 32 * 1024;
    /** Messages labd may have in flight to us beyond the one being handled; output is bounded by credit anyway. */
    private static final int DEMAND = 16;

    /** Where the command's output goes; each call's bytes should be flushed before it returns. */
    public interface Output {
        void stdout(byte[] b, int off, int len) throws IOException;

        void stderr(byte[] b, int off, int len) throws IOException;

        /**
         * Takes a DEFLATED payload as it is, to be decoded further on ({@link io.labctl.cli.CompressedStdout}), or
         * returns false to have it decoded here and written with {@link #stdout}.
         */
        default boolean deflated(byte[] payload) throws IOException {
            return false;
        }
    }

    /** The stream's clocks; tests shorten them. */
    public record Timing(Duration grace, Duration pingInterval, Duration silenceLimit, Duration sendTimeout,
                         Duration closeWait) {
        public static final Timing DEFAULT = new Timing(Duration.ofSeconds(3), Duration.ofSeconds(15),
                Duration.ofSeconds(45), Duration.ofSeconds(60), Duration.ofMillis(500));
    }

    /**
     * What one stream carries: the OPEN frame's kind and parameters, whether DATA from labd starts with a
     * STDOUT/STDERR tag byte, and how messages name it ("running 'uname' on server/web-1").
     */
    private record Subject(String kind, Map<String, Object> params, boolean tagged, String doing, String what,
                           String stopWhat) {}

    private final String server;
    private final Subject subject;
    private final Output output;
    private final InputStream stdin;
    private final Duration timeout;
    private final Timing timing;

    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private final Listener listener = new Listener();
    private final AtomicReference<Outcome.Kind> stopping = new AtomicReference<>();
    private final AtomicBoolean stopSent = new AtomicBoolean();
    private final Object creditLock = new Object();
    private long stdinCredit;
    private volatile boolean ended;
    /** Our own output failed while the socket was still fine: it must still carry the ERROR and a polite close. */
    private volatile boolean outputFailed;
    /** labd closed the socket first: our close answers it, and there is no answer of labd's to wait for. */
    private volatile boolean labdClosed;
    private volatile long lastHeard = System.nanoTime();
    private volatile Sender sender;
    /** Decodes DEFLATED output (logs that asked for compression); made on the first such frame, on the main loop. */
    private StreamDecompressor decompressor;

    private record Received(Frame frame) {}

    private record Closed(int status, String reason) {}

    private record Broken(String message) {}

    private record Resize(int cols, int rows) {}

    private static final Object WAKE = new Object();

    /**
     * @param stdin   bytes to forward as the command's stdin, or null for none (end of input right after OPEN)
     * @param timeout how long the command may run, or null for no limit
     */
    public ExecStream(String server, ExecRequest request, Output output, InputStream stdin, Duration timeout,
                      Timing timing) {
        this(server, new Subject(ExecRequest.KIND, request.toParams(), true, "running", command(request, server),
                "the command"), output, stdin, timeout, timing);
    }

    private ExecStream(String server, Subject subject, Output output, InputStream stdin, Duration timeout,
                       Timing timing) {
        this.server = server;
        this.subject = subject;
        this.output = output;
        this.stdin = stdin;
        this.timeout = timeout;
        this.timing = timing;
    }

    /**
     * A logs stream: no stdin and no time limit (it ends with labd's CLOSE or ERROR, or {@link #cancel()}); every DATA
     * byte goes to {@link Output#stdout} unchanged. {@code allow} is never sent: labd sets it from the caller's rights.
     *
     * @param what names the log in messages, e.g. "the journal of server/web-1"
     */
    public static ExecStream logs(String server, LogsRequest request, String what, Output output, Timing timing) {
        Map<String, Object> params = new LinkedHashMap<>(request.toParams());
        params.remove("allow");
        return new ExecStream(server, new Subject(LogsRequest.KIND, params, false, "reading", what, "reading it"),
                output, null, null, timing);
    }

    public String server() {
        return server;
    }

    /** Asks labd to stop the command (ERROR cancelled); safe from any thread, e.g. a signal handler. */
    public void cancel() {
        stopping.compareAndSet(null, Outcome.Kind.CANCELLED);
        Sender s = sender;
        if (s != null) {
            // straight from this thread, so a main loop stuck on a blocked stdout cannot delay it
            sendStop(s, Math.min(2_000, timing.sendTimeout().toMillis()));
        }
        events.add(WAKE);
    }

    /** The local terminal changed size: sends a RESIZE frame. Safe from any thread. */
    public void resize(int cols, int rows) {
        events.add(new Resize(cols, rows));
    }

    /** Connects, runs the command and returns how it ended. */
    public Outcome run(Connector connector) {
        // nanoTime may be negative: compare differences only, and keep "no deadline" apart
        long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        WebSocket ws;
        try {
            ws = connect(connector, deadline);
        } catch (Ended e) {
            ended = true;
            return e.outcome;
        }
        Outcome outcome;
        try {
            outcome = stream(ws, deadline);
        } catch (Ended e) {
            outcome = e.outcome;
        } finally {
            if (decompressor != null) {
                decompressor.close();
            }
        }
        finish(ws, outcome);
        return outcome;
    }

    /** Thrown inside the stream to end it with an outcome. */
    private static final class Ended extends Exception {
        private static final long serialVersionUID = 1L;
        final transient Outcome outcome;

        Ended(Outcome outcome) {
            super(null, null, false, false);
            this.outcome = outcome;
        }
    }

    private WebSocket connect(Connector connector, long deadline) throws Ended {
        CompletableFuture<WebSocket> opening;
        try {
            opening = connector.open(server, listener);
        } catch (CliException e) {
            throw new Ended(Outcome.of(e));
        }
        while (true) {
            if (stopping.get() == Outcome.Kind.CANCELLED) {
                opening.thenAccept(WebSocket::abort);
                throw new Ended(Outcome.cancelled());
            }
            long left = timeout == null ? Long.MAX_VALUE : deadline - System.nanoTime();
            if (left <= 0) {
                opening.thenAccept(WebSocket::abort);
                throw new Ended(Outcome.timedOut("timed out after " + human(timeout)
                        + " while connecting to labd; " + what() + " was not started"));
            }
            try {
                return opening.get(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // check cancel and deadline again
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                throw new Ended(cause instanceof CliException ce ? Outcome.of(ce)
                        : Outcome.failed("cannot open the " + subject.kind() + " stream to labd: " + cause));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                opening.thenAccept(WebSocket::abort);
                throw new Ended(Outcome.cancelled());
            }
        }
    }

    private Outcome stream(WebSocket ws, long deadline) throws Ended {
        Sender s = new Sender(ws, timing.sendTimeout());
        lastHeard = System.nanoTime();
        try {
            s.send(Frame.json(FrameType.OPEN, STREAM, new StreamOpen(subject.kind(), subject.params(), OUTPUT_WINDOW)));
            if (stdin == null) {
                s.send(Frame.json(FrameType.CLOSE, STREAM, new StreamClose(null)));
            }
        } catch (IOException e) {
            throw new Ended(lost(e.getMessage()));
        }
        sender = s;  // from here on cancel() sends ERROR itself
        ws.request(DEMAND - 1);  // the listener asked for one on open
        if (stdin != null) {
            Thread pump = new Thread(() -> pump(s), "labctl-exec-stdin-" + server);
            pump.setDaemon(true);
            pump.start();
        }
        long stopBy = 0;
        long lastPing = System.nanoTime();
        long lastAsked = System.nanoTime();
        long pendingGrant = 0;
        while (true) {
            long now = System.nanoTime();
            if (timeout != null && now - deadline >= 0) {
                stopping.compareAndSet(null, Outcome.Kind.TIMED_OUT);
            }
            Outcome.Kind stop = stopping.get();
            if (stop != null) {
                if (stopBy == 0) {
                    sendStop(s, timing.sendTimeout().toMillis());
                    stopBy = now + timing.grace().toNanos();
                } else if (now - stopBy >= 0) {
                    throw new Ended(stopped(stop));
                }
            }
            long quiet = now - Math.max(lastHeard, lastAsked);
            if (quiet >= timing.silenceLimit().toNanos()) {
                throw new Ended(stop != null ? stopped(stop)
                        : lost("labd did not answer for " + human(Duration.ofNanos(quiet))));
            }
            if (quiet >= timing.pingInterval().toNanos() && now - lastPing >= timing.pingInterval().toNanos()) {
                lastPing = now;
                try {
                    s.ping();
                } catch (IOException e) {
                    throw new Ended(stop != null ? stopped(stop) : lost(e.getMessage()));
                }
            }
            long wait = Math.min(timing.pingInterval().toNanos(), TimeUnit.SECONDS.toNanos(1));
            if (timeout != null) {
                wait = Math.min(wait, Math.max(1, deadline - now));
            }
            if (stopBy != 0) {
                wait = Math.min(wait, Math.max(1, stopBy - now));
            }
            Object event;
            try {
                event = events.poll(wait, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping.compareAndSet(null, Outcome.Kind.CANCELLED);
                throw new Ended(stopped(stopping.get()));
            }
            if (event == null || event == WAKE) {
                continue;
            }
            stop = stopping.get();  // cancel() may have come in while we waited
            if (event instanceof Resize r) {
                if (stop == null) {
                    sendQuietly(s, new Frame(FrameType.DATA, STREAM, ExecRequest.resize(r.cols(), r.rows())));
                }
                continue;
            }
            if (event instanceof Closed c && c.status() == Api.ACCESS_REVOKED_CLOSE) {
                labdClosed = true;
                throw new Ended(Outcome.revoked(c.reason()));  // even while stopping: the user must learn why
            }
            if (event instanceof Closed c) {
                throw new Ended(stop != null ? stopped(stop) : lost("labd closed the connection ("
                        + c.status() + (c.reason() == null || c.reason().isBlank() ? "" : " " + c.reason()) + ")"));
            }
            if (event instanceof Broken b) {
                throw new Ended(stop != null ? stopped(stop) : lost(b.message()));
            }
            Frame f = ((Received) event).frame();
            pendingGrant += handle(f, stop);
            // granted back a quarter window at a time: labd and the agent never have less than three quarters left,
            // so nothing waits for a grant, and a trickle of small frames costs no CREDIT frame each way
            if (pendingGrant >= GRANT_BATCH) {
                try {
                    s.send(credit(pendingGrant));
                } catch (IOException e) {
                    // labd may have ended the stream and closed the socket while its last frames were still queued
                    // here: the queued CLOSE (or the socket's close) says how it ended, not this failed grant
                }
                pendingGrant = 0;
            }
            ws.request(1);
            lastAsked = System.nanoTime();
        }
    }

    /** Handles one frame from labd; returns the output bytes written (to be granted back). */
    private long handle(Frame f, Outcome.Kind stop) throws Ended {
        if (f.stream() == 0) {
            return 0;  // channel-level frames are not part of this stream
        }
        if (f.stream() != STREAM) {
            throw new Ended(protocol("a frame for stream " + f.stream() + " (this " + subject.kind() + " is stream "
                    + STREAM + ")"));
        }
        byte[] p = f.payload();
        switch (f.type()) {
            case DATA -> {
                if (subject.tagged() && p.length == 0) {
                    throw new Ended(protocol("an empty DATA frame"));
                }
                // credit counts data bytes, never the tag byte
                int n = subject.tagged() ? p.length - 1 : p.length;
                try {
                    if (!subject.tagged()) {
                        output.stdout(p, 0, n);
                    } else if (p[0] == ExecRequest.STDOUT) {
                        output.stdout(p, 1, n);
                    } else if (p[0] == ExecRequest.STDERR) {
                        output.stderr(p, 1, n);
                    } else {
                        throw new Ended(protocol("a DATA frame with the unknown tag " + p[0]));
                    }
                } catch (IOException e) {
                    throw outputFailed(e);
                }
                return n;
            }
            case DEFLATED -> {
                if (subject.tagged()) {
                    throw new Ended(protocol("a DEFLATED frame on an exec stream, which never asks for compression"));
                }
                try {
                    if (!output.deflated(p)) {
                        if (decompressor == null) {
                            decompressor = new StreamDecompressor();
                        }
                        decompressor.decode(p, output::stdout);
                    }
                } catch (ProtocolException e) {
                    throw new Ended(protocol(e.getMessage()));
                } catch (IOException e) {
                    throw outputFailed(e);
                }
                return p.length;  // credit counts the bytes on the wire, as the agent did
            }
            case CREDIT -> {
                if (p.length != 4) {
                    throw new Ended(protocol("a CREDIT frame of " + p.length + " bytes instead of 4"));
                }
                int n = ByteBuffer.wrap(p).getInt();
                if (n < 0) {
                    throw new Ended(protocol("a negative CREDIT"));
                }
                synchronized (creditLock) {
                    stdinCredit += n;
                    creditLock.notifyAll();
                }
                return 0;
            }
            case CLOSE -> {
                StreamClose c = body(f, StreamClose.class);
                throw new Ended(stop != null ? stopped(stop) : Outcome.exited(c.exitCode()));
            }
            case ERROR -> {
                StreamError e = body(f, StreamError.class);
                if (stop != null) {
                    throw new Ended(stopped(stop));
                }
                String message = e.message() == null || e.message().isBlank()
                        ? "labd stopped " + what() + " (" + e.code() + ")" : e.message();
                throw new Ended(Outcome.refused(e.code(), message));
            }
            default -> throw new Ended(protocol("an unexpected " + f.type() + " frame"));
        }
    }

    /** Nobody reads our output any more (closed pipe): stop the remote side rather than let it run blind. */
    private Ended outputFailed(IOException e) {
        stopping.compareAndSet(null, Outcome.Kind.CANCELLED);
        outputFailed = true;
        Sender s = sender;
        if (s != null) {
            sendStop(s, 2_000);
        }
        return new Ended(Outcome.failed("cannot write the output of " + what() + ": " + e.getMessage()
                + "; asked labd to stop " + subject.stopWhat()));
    }


    private <T> T body(Frame f, Class<T> type) throws Ended {
        try {
            return f.body(type);
        } catch (ProtocolException e) {
            throw new Ended(protocol(e.getMessage()));
        }
    }

    /** Reads stdin and forwards it within labd's credit; EOF (or a read error) becomes CLOSE. */
    private void pump(Sender s) {
        byte[] buf = new byte[STDIN_CHUNK];
        try {
            while (!ended) {
                int n = stdin.read(buf);
                if (n < 0) {
                    break;
                }
                for (int off = 0; off < n; ) {
                    int allowed = takeCredit(n - off);
                    if (allowed == 0) {
                        return;  // the stream ended
                    }
                    s.send(new Frame(FrameType.DATA, STREAM, ExecRequest.tagged(ExecRequest.STDIN, buf, off, allowed)));
                    off += allowed;
                }
            }
        } catch (IOException e) {
            // unreadable stdin ends the input; a failed send shows up in the main loop as a broken socket
        }
        if (!ended) {
            sendQuietly(s, Frame.json(FrameType.CLOSE, STREAM, new StreamClose(null)));
        }
    }

    /** Waits for stdin credit; takes up to {@code want} bytes of it. 0 once the stream ended. */
    private int takeCredit(int want) throws InterruptedIOException {
        synchronized (creditLock) {
            while (stdinCredit == 0 && !ended) {
                try {
                    creditLock.wait(1_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException();
                }
            }
            if (ended) {
                return 0;
            }
            int n = (int) Math.min(want, stdinCredit);
            stdinCredit -= n;
            return n;
        }
    }

    private void sendStop(Sender s, long timeoutMillis) {
        Outcome.Kind kind = stopping.get();
        if (kind != null && stopSent.compareAndSet(false, true)) {
            String code = kind == Outcome.Kind.TIMED_OUT ? ExecRequest.TIMEOUT : ExecRequest.CANCELLED;
            String why = kind == Outcome.Kind.TIMED_OUT ? "labctl --timeout " + human(timeout) + " passed"
                    : "cancelled by the user";
            try {
                s.send(Frame.json(FrameType.ERROR, STREAM, new StreamError(code, why)), timeoutMillis);
            } catch (IOException e) {
                // the socket is gone; the main loop finds out
            }
        }
    }

    private static void sendQuietly(Sender s, Frame f) {
        try {
            s.send(f);
        } catch (IOException e) {
            // the main loop finds out from the socket
        }
    }

    private void finish(WebSocket ws, Outcome outcome) {
        ended = true;
        synchronized (creditLock) {
            creditLock.notifyAll();
        }
        // an abort right after a send may drop it unsent: close politely whenever the socket still works
        if ((outcome.kind() != Outcome.Kind.FAILED || outputFailed) && !ws.isOutputClosed()) {
            Sender s = sender;
            try {
                if (s != null) {
                    s.close(timing.closeWait().toMillis());
                } else {
                    ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(timing.closeWait().toMillis(), TimeUnit.MILLISECONDS);
                }
                // give labd a moment to answer the close, so neither side sees an abnormal closure
                long until = System.nanoTime() + (labdClosed ? 0 : timing.closeWait().toNanos());
                for (long left; (left = until - System.nanoTime()) > 0; ) {
                    Object e = events.poll(left, TimeUnit.NANOSECONDS);
                    if (e == null || e instanceof Closed || e instanceof Broken) {
                        break;
                    }
                    if (e instanceof Received) {
                        ws.request(1);
                    }
                }
            } catch (Exception e) {
                // closing politely is best effort
            }
        }
        ws.abort();
    }

    private Outcome stopped(Outcome.Kind kind) {
        return kind == Outcome.Kind.TIMED_OUT
                ? Outcome.timedOut("timed out after " + human(timeout) + "; asked labd to stop " + what())
                : Outcome.cancelled();
    }

    private Outcome lost(String detail) {
        return Outcome.failed("lost the connection to labd while " + subject.doing() + " " + what()
                + (detail == null || detail.isBlank() ? "" : ": " + detail));
    }

    private Outcome protocol(String what) {
        return Outcome.failed("labd sent " + what + " while " + subject.doing() + " " + what()
                + "; labctl and labd may be of incompatible versions");
    }

    /** What runs, for messages: 'cmd args' on server/NAME, or the log being read. */
    String what() {
        return subject.what();
    }

    /** 'cmd args' on server/NAME, shortened for messages. */
    private static String command(ExecRequest request, String server) {
        String cmd = String.join(" ", request.command());
        if (cmd.length() > 60) {
            cmd = cmd.substring(0, 57) + "...";
        }
        return "'" + cmd + "' on server/" + server;
    }

    /** 500ms, 30s, 5m: sub-second limits stay readable. */
    static String human(Duration d) {
        if (d.toMillis() < 1000) {
            return d.toMillis() + "ms";
        }
        if (d.toMillis() % 1000 != 0 && d.getSeconds() < 120) {
            return String.format(java.util.Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
        }
        return Durations.brief(d);
    }

    static Frame credit(long n) {
        return new Frame(FrameType.CREDIT, STREAM, ByteBuffer.allocate(4).putInt((int) Math.min(n, Integer.MAX_VALUE)).array());
    }

    /** Collects WebSocket messages into frames for the main loop; the loop decides when to ask for more. */
    private final class Listener implements WebSocket.Listener {
        private ByteArrayOutputStream partial;

        @Override
        public void onOpen(WebSocket ws) {
            lastHeard = System.nanoTime();
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            lastHeard = System.nanoTime();
            if (partial == null && last) {
                deliver(data);
                return null;
            }
            if (partial == null) {
                partial = new ByteArrayOutputStream();
            }
            if (partial.size() + data.remaining() > Frame.MAX_FRAME) {
                partial = null;
                events.add(new Broken("labd sent a message larger than " + Frame.MAX_FRAME + " bytes"));
                return null;
            }
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            partial.writeBytes(chunk);
            if (last) {
                ByteBuffer whole = ByteBuffer.wrap(partial.toByteArray());
                partial = null;
                deliver(whole);
            } else {
                ws.request(1);  // parts of one message do not count against the loop's demand
            }
            return null;
        }

        private void deliver(ByteBuffer data) {
            try {
                events.add(new Received(Frame.decode(data)));
            } catch (ProtocolException e) {
                events.add(new Broken("labd sent a broken frame: " + e.getMessage()));
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            lastHeard = System.nanoTime();
            events.add(new Broken("labd sent a text message on the " + subject.kind()
                    + " stream, which only carries binary frames"));
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
            lastHeard = System.nanoTime();
            ws.request(1);  // the JDK answers the ping itself
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
            lastHeard = System.nanoTime();
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            events.add(new Closed(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            String msg = error.getMessage();
            events.add(new Broken(msg == null || msg.isBlank() ? error.getClass().getSimpleName() : msg));
        }
    }

    /** One send at a time, as java.net.http.WebSocket requires; each waits for its completion, within a limit. */
    private static final class Sender {
        private final WebSocket ws;
        private final long timeoutMillis;
        private final ReentrantLock lock = new ReentrantLock();

        Sender(WebSocket ws, Duration timeout) {
            this.ws = ws;
            this.timeoutMillis = timeout.toMillis();
        }

        void send(Frame f) throws IOException {
            send(f, timeoutMillis);
        }

        void send(Frame f, long limitMillis) throws IOException {
            locked(limitMillis, () -> ws.sendBinary(f.encode(), true));
        }

        void ping() throws IOException {
            locked(timeoutMillis, () -> ws.sendPing(ByteBuffer.allocate(0)));
        }

        void close(long limitMillis) throws IOException {
            locked(limitMillis, () -> ws.sendClose(WebSocket.NORMAL_CLOSURE, ""));
        }

        private void locked(long limitMillis, java.util.function.Supplier<CompletableFuture<WebSocket>> op)
                throws IOException {
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limitMillis);
            try {
                if (!lock.tryLock(limitMillis, TimeUnit.MILLISECONDS)) {
                    throw new IOException("labd did not take a frame within " + limitMillis / 1000 + "s");
                }
                try {
                    op.get().get(Math.max(1, until - System.nanoTime()), TimeUnit.NANOSECONDS);
                } finally {
                    lock.unlock();
                }
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                throw new IOException(c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage(), c);
            } catch (TimeoutException e) {
                throw new IOException("labd did not take a frame within " + limitMillis / 1000 + "s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while sending to labd");
            } catch (IllegalStateException e) {
                throw new IOException(e.getMessage(), e);  // the socket's output is already closed
            }
        }
    }
}
