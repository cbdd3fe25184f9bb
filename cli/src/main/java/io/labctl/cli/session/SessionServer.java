package io.labctl.cli.session;

import io.labctl.cli.Cli;
import io.labctl.cli.Main;
import io.labctl.cli.http.LabdClient;
import io.labctl.protocol.Durations;
import io.labctl.protocol.TlsSuites;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.concurrent.atomic.AtomicLong;
import jdk.net.ExtendedSocketOptions;
import picocli.CommandLine;
import jdk.net.UnixDomainPrincipal;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The labctl session: a long-lived labctl for one user that runs the verbs of short-lived clients
 * ({@link SessionClient}) on a Unix socket in a directory only that user can enter; it also checks each
 * client's user id. It keeps its connections to labd between invocations, reads the config afresh for every one, and
 * exits after $LABCTL_SESSION_IDLE (default 10m) without a client, or once its jar was replaced by a rebuild.
 */
public final class SessionServer implements AutoCloseable {
    static final Duration DEFAULT_IDLE = Duration.ofMinutes(10);
    /** Invocations at a time; a client beyond that runs its invocation itself. */
    static final int MAX_ACTIVE = 64;
    /**
     * Time a client has to send its whole request once connected (labctl's own client sends it at once): a client
     * that stays silent, or trickles, would otherwise hold one of the {@link #MAX_ACTIVE} places for as long as it
     * stays connected.
     */
    static final Duration REQUEST_LIMIT = Duration.ofSeconds(5);

    /** What runs an invocation: labctl's own verbs, or a test's. */
    interface Runner {
        /** Parses the invocation: null when it must run in the client ({@link io.labctl.cli.RunsLocally}), else its run. */
        IntSupplier prepare(Cli cli, String[] args);

        /** labctl's verbs; the command line is built and parsed once for both questions. */
        Runner LABCTL = (cli, args) -> {
            CommandLine cl = Main.commandLine(cli, args);
            return Main.runsLocally(cl, cli, args) ? null : () -> Main.execute(cl, cli, args);
        };
    }

    private final ServerSocketChannel server;
    private final Path socket;
    private final Runner runner;
    private final String user;
    private final Duration requestLimit;
    /** Closes the connections whose request is late. */
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "labctl-session-deadlines");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong served = new AtomicLong();
    private volatile long lastActive = System.nanoTime();
    final SessionRenewals renewals = new SessionRenewals(SessionServer::log);
    /** How often the certificates of the contexts served are checked for renewal. */
    static final Duration RENEWAL_CHECK = Duration.ofMinutes(1);

    /** Binds {@code socket}, replacing a stale file there; the caller holds the lock that makes that safe. */
    SessionServer(Path socket, Runner runner) throws IOException {
        this(socket, runner, REQUEST_LIMIT);
    }

    /** As above, with the time a client has to send its request (tests shorten it). */
    SessionServer(Path socket, Runner runner, Duration requestLimit) throws IOException {
        this.socket = socket;
        this.runner = runner;
        this.requestLimit = requestLimit;
        this.user = System.getProperty("user.name");
        Files.deleteIfExists(socket);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> env = System.getenv();
        Path jar = SessionClient.jar();
        Optional<SessionPaths> found = jar == null ? Optional.empty() : SessionPaths.of(env, jar);
        if (found.isEmpty()) {
            System.err.println("labctl session: no safe session directory; not starting");
            System.exit(1);
        }
        SessionPaths paths = found.get();
        Duration idle = idle(env.get("LABCTL_SESSION_IDLE"));
        // a session runs with C2, whose AES-GCM uses the CPU's instructions
        LabdClient.preferCipherSuites(TlsSuites.AES_GCM_FIRST);
        // the terminal's Ctrl-C and hang-up are for the labctl that started us, not for the session
        Signal.handle(new Signal("INT"), SignalHandler.SIG_IGN);
        Signal.handle(new Signal("HUP"), SignalHandler.SIG_IGN);
        try (FileChannel lockFile = FileChannel.open(paths.lock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lockFile.tryLock()) {
            if (lock == null) {
                return;  // another session of this build is running or starting
            }
            // the lock file names its holder, for 'labctl session'
            lockFile.truncate(0).write(java.nio.ByteBuffer.wrap(
                    (ProcessHandle.current().pid() + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            long buildId = SessionPaths.buildId(jar);
            try (SessionServer s = new SessionServer(paths.socket(), Runner.LABCTL)) {
                log("started, pid " + ProcessHandle.current().pid() + ", socket " + paths.socket() + ", idle exit after "
                        + idle.toSeconds() + "s");
                Thread watch = new Thread(() -> s.closeWhen(idle, () -> rebuilt(jar, buildId)), "labctl-session-idle");
                watch.setDaemon(true);
                watch.start();
                Thread renew = new Thread(() -> s.renewEvery(RENEWAL_CHECK), "labctl-session-renewal");
                renew.setDaemon(true);
                renew.start();
                s.serve();
                log("stopped after " + s.served.get() + " invocations");
            }
        }
        System.exit(0);
    }

    private static boolean rebuilt(Path jar, long buildId) {
        try {
            return SessionPaths.buildId(jar) != buildId;
        } catch (IOException e) {
            return true;  // the jar is gone
        }
    }

    static Duration idle(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_IDLE;
        }
        try {
            Duration d = Durations.parse(value);
            return d.isZero() || d.isNegative() ? DEFAULT_IDLE : d;
        } catch (IllegalArgumentException e) {
            log("LABCTL_SESSION_IDLE '" + value + "' is not a duration such as 10m; using " + DEFAULT_IDLE.toMinutes() + "m");
            return DEFAULT_IDLE;
        }
    }

    /** Accepts clients until closed; each runs on a thread of its own. */
    void serve() throws IOException {
        while (true) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return;
            }
            lastActive = System.nanoTime();
            if (!sameUser(client)) {
                client.close();
                continue;
            }
            FrameChannel frames = new FrameChannel(client);
            if (active.incrementAndGet() > MAX_ACTIVE) {
                active.decrementAndGet();
                refuseBusy(frames);
                continue;
            }
            served.incrementAndGet();
            Thread t = new Thread(() -> {
                try {
                    new Invocation(frames, runner, renewals).serve(requestLimit, deadlines);
                } finally {
                    lastActive = System.nanoTime();
                    active.decrementAndGet();
                }
            }, "labctl-session-" + served.get());
            t.setDaemon(true);
            t.start();
        }
    }

    /**
     * Answers at once, without waiting for the request, and without a thread: a flood of connections beyond the limit
     * costs the session nothing. A client whose request is then cut off runs the command itself all the same.
     */
    private static void refuseBusy(FrameChannel frames) {
        try (frames) {
            frames.send(FrameChannel.RUN_LOCALLY, ("the session is running " + MAX_ACTIVE + " commands already")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            // gone
        }
    }

    /** The directory is already closed to others; this also refuses a client of another user id that got in. */
    private boolean sameUser(SocketChannel client) {
        try {
            UnixDomainPrincipal peer = client.getOption(ExtendedSocketOptions.SO_PEERCRED);
            UserPrincipal who = peer.user();
            return who != null && who.getName().equals(user);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Closes the server once it was idle for {@code idle}, or at once when {@code stale} says so and no one is served. */
    void closeWhen(Duration idle, java.util.function.BooleanSupplier stale) {
        while (server.isOpen()) {
            try {
                Thread.sleep(Math.min(5_000, Math.max(100, idle.toMillis() / 4)));
            } catch (InterruptedException e) {
                return;
            }
            if (active.get() > 0) {
                continue;
            }
            boolean idleLongEnough = System.nanoTime() - lastActive >= idle.toNanos();
            if (idleLongEnough || stale.getAsBoolean()) {
                log(idleLongEnough ? "idle for " + idle.toSeconds() + "s" : "labctl was rebuilt");
                close();
            }
        }
    }

    /** Checks the served contexts' certificates for renewal until the server closes. */
    void renewEvery(Duration period) {
        while (server.isOpen()) {
            try {
                Thread.sleep(period.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            renewals.check(Instant.now());
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        deadlines.shutdownNow();
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // a later session replaces it
        }
    }

    private static void log(String message) {
        PrintStream err = System.err;
        err.println(Instant.now() + " labctl session: " + message);
    }
}
