package io.labctl.cli.session;

import io.labctl.cli.Args;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.Main;
import io.labctl.cli.Stdio;
import io.labctl.protocol.channel.ProtocolException;
import io.labctl.protocol.channel.StreamDecompressor;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.URISyntaxException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * What the launcher starts: hands the invocation to the user's labctl session, relays its output and exit code,
 * and forwards stdin (once the verb reads it) and Ctrl-C. Without a session it starts one in the background and runs
 * the invocation itself, as does a verb the session sends back (the local terminal or files), and everything with
 * LABCTL_SESSION=off. Kept small, with no picocli, JSON or TLS, so that a JVM starts it in tens of milliseconds.
 */
public final class SessionClient {
    private static final int STDIN_CHUNK = 64 * 1024;

    private final Map<String, String> env;
    private final InputStream stdin;
    private final OutputStream stdout;
    private final OutputStream stderr;
    private final boolean signals;
    private final AtomicInteger interrupts = new AtomicInteger();
    private volatile FrameChannel frames;
    private volatile boolean stdoutGone;
    /** Decodes STDOUT_DEFLATED frames; made on the first one (one DEFLATE stream per invocation). */
    private StreamDecompressor inflater;
    private volatile boolean stderrGone;

    /** The process's own: its file descriptors, unbuffered, and its SIGINT. */
    SessionClient(Map<String, String> env) {
        this(env, new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out),
                new FileOutputStream(FileDescriptor.err), true);
    }

    /** @param signals whether this process's SIGINT means Ctrl-C for the session (else only {@link #interrupt()}) */
    SessionClient(Map<String, String> env, InputStream stdin, OutputStream stdout, OutputStream stderr, boolean signals) {
        this.signals = signals;
        this.env = env;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        // the launcher's archive-training run must load the whole CLI, so it always runs here, after a stand-in
        // session has trained the path every later command takes
        if (env.get("LABCTL_CDS_TRAINING") != null) {
            ClientTraining.run(env);
        } else if (!"off".equals(env.get("LABCTL_SESSION"))) {
            Integer code = new SessionClient(env).tryRun(args);
            if (code != null) {
                System.exit(code);
            }
        }
        Main.main(args);
    }

    /** The exit code of the invocation run by the session, or null when this process must run it itself. */
    Integer tryRun(String[] args) {
        Path jar = jar();
        Optional<SessionPaths> paths;
        try {
            paths = jar == null ? Optional.empty() : SessionPaths.of(env, jar);
        } catch (IOException | RuntimeException e) {
            debug("no session: " + e);
            return null;
        }
        if (paths.isEmpty()) {
            debug("no session: the session directory is not private to this user, or its path is too long");
            return null;
        }
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(paths.get().socket()));
        } catch (IOException e) {
            if (controlsTheSession(args)) {
                return null;  // 'labctl session stop' must not start one, nor 'status' make one appear
            }
            debug("no session running (" + e.getMessage() + "); starting one for the next commands");
            startSession(paths.get(), jar);
            return null;
        }
        try (FrameChannel frames = new FrameChannel(channel)) {
            return relay(frames, args, Stdio.stdinIsATerminal());
        } catch (IOException e) {
            debug("the session failed before the command started (" + e + "); running it here");
            return null;
        }
    }

    /**
     * Runs one invocation in the session at the other end of {@code frames}.
     *
     * @return its exit code, or null when the session hands it back before it started
     * @throws IOException when the session failed before the command started (it may then run here)
     */
    Integer relay(FrameChannel frames, String[] args, boolean stdinTerminal) throws IOException {
        this.frames = frames;
        frames.send(FrameChannel.REQUEST, new SessionRequest(Arrays.asList(args), SessionRequest.labctlEnv(env),
                System.getProperty("user.home"), Path.of("").toAbsolutePath().toString(), stdinTerminal).encode());
        boolean started = false;
        while (true) {
            FrameChannel.Frame f;
            try {
                f = frames.receive();
            } catch (IOException e) {
                if (!started) {
                    throw e;
                }
                f = null;
            }
            if (f == null) {
                if (!started) {
                    throw new IOException("the session closed the connection");
                }
                write(stderr, ("error: the labctl session ended before the command did (see its log in "
                        + SessionPaths.directory(env) + "); run again with LABCTL_SESSION=off to bypass it\n")
                        .getBytes(StandardCharsets.UTF_8), 2);
                return ExitCodes.UNREACHABLE;
            }
            switch (f.type()) {
                case FrameChannel.RUN_LOCALLY -> {
                    debug("the session hands this command back: " + new String(f.payload(), StandardCharsets.UTF_8));
                    return null;
                }
                case FrameChannel.STARTED -> {
                    started = true;
                    debug("the session runs this command");
                    if (signals) {
                        onCtrlC();
                    }
                }
                case FrameChannel.STDOUT -> {
                    if (!stdoutGone) {
                        write(stdout, f.payload(), 1, frames);
                    }
                }
                case FrameChannel.STDERR -> {
                    if (!stderrGone) {
                        write(stderr, f.payload(), 2, frames);
                    }
                }
                case FrameChannel.STDOUT_DEFLATED -> {
                    if (!stdoutGone) {
                        inflate(f.payload(), frames);
                    }
                }
                case FrameChannel.WANT_STDIN -> forwardStdin();
                case FrameChannel.EXIT -> {
                    if (inflater != null) {
                        inflater.close();
                    }
                    return FrameChannel.intOf(f.payload());
                }
                default -> throw new IOException("unexpected frame type " + f.type() + " from the session");
            }
        }
    }

    /** SIGINT calls {@link #interrupt()}. */
    private void onCtrlC() {
        // inner classes, not lambdas, here and below: bootstrapping a lambda costs a cold JVM milliseconds
        Signal.handle(new Signal("INT"), new SignalHandler() {
            @Override
            public void handle(Signal sig) {
                interrupt();
            }
        });
    }

    /** First Ctrl-C: the session stops the remote work and the verb exits 130. Second: stop waiting, as labctl always did. */
    void interrupt() {
        if (interrupts.incrementAndGet() == 1) {
            try {
                frames.send(FrameChannel.INTERRUPT);
                return;
            } catch (IOException e) {
                // the session is gone: nothing left to wait for
            }
        }
        Runtime.getRuntime().halt(ExitCodes.CANCELLED);
    }

    private void write(OutputStream to, byte[] b, int which, FrameChannel frames) throws IOException {
        try {
            to.write(b);
        } catch (IOException e) {
            // e.g. '| head' exited: tell the verb, whose next write then fails as it would locally
            if (which == 1) {
                stdoutGone = true;
            } else {
                stderrGone = true;
            }
            frames.send(FrameChannel.OUTPUT_GONE, new byte[] {(byte) which});
        }
    }

    /** Compressed stdout (a log that travelled compressed): inflated here, in the order it came with STDOUT. */
    private void inflate(byte[] payload, FrameChannel frames) throws IOException {
        if (inflater == null) {
            inflater = new StreamDecompressor();
        }
        try {
            inflater.decode(payload, new StreamDecompressor.Output() {
                @Override
                public void write(byte[] bytes, int offset, int length) throws IOException {
                    stdout.write(bytes, offset, length);
                }
            });
        } catch (ProtocolException e) {
            throw new IOException("the session sent compressed output that does not decode: " + e.getMessage());
        } catch (IOException e) {
            stdoutGone = true;  // as in write(): the verb's next write fails as a broken pipe would
            frames.send(FrameChannel.OUTPUT_GONE, new byte[] {1});
        }
    }

    private void write(OutputStream to, byte[] b, int which) {
        try {
            to.write(b);
        } catch (IOException e) {
            // nowhere left to say it
        }
    }

    private void forwardStdin() {
        FrameChannel frames = this.frames;
        Thread pump = new Thread("labctl-stdin") {
            @Override
            public void run() {
                byte[] buf = new byte[STDIN_CHUNK];
                try {
                    for (int n = stdin.read(buf); n >= 0; n = stdin.read(buf)) {
                        frames.send(FrameChannel.STDIN, buf, 0, n);
                    }
                } catch (IOException e) {
                    // stdin failed, or the session is gone: the verb sees the end either way
                }
                try {
                    frames.send(FrameChannel.STDIN_EOF);
                } catch (IOException e) {
                    // gone
                }
            }
        };
        pump.setDaemon(true);
        pump.start();
    }

    /** Starts a session in the background, in a process group of its own; failures only cost this speed-up. */
    private void startSession(SessionPaths paths, Path jar) {
        Optional<String> java = ProcessHandle.current().info().command();
        if (java.isEmpty()) {
            return;
        }
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            cmd.add("/usr/bin/setsid");
        }
        // a long-lived JVM: the full JIT (with the AES intrinsics TLS needs), a small serial heap
        cmd.addAll(List.of(java.get(), "-XX:+UseSerialGC", "-Xms16m", "-Xmx256m", "-XX:-UsePerfData",
                "-Xshare:auto", "-cp", jar.toString(), SessionServer.class.getName()));
        try {
            new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.appendTo(paths.log().toFile()))
                    .start();
        } catch (IOException e) {
            debug("cannot start a labctl session: " + e.getMessage());
        }
    }

    /** Whether the verb is 'session'. */
    static boolean controlsTheSession(String[] args) {
        return "session".equals(Args.verb(args));
    }

    /** The jar this class was loaded from, or null when it was not loaded from a jar. */
    static Path jar() {
        try {
            Path p = Path.of(SessionClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(p) ? p : null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }


    private void debug(String message) {
        if ("1".equals(env.get("LABCTL_DEBUG"))) {
            write(stderr, ("labctl: " + message + "\n").getBytes(StandardCharsets.UTF_8), 2);
        }
    }
}
