package io.labctl.cli.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.cli.Cli;
import io.labctl.cli.CompressedStdout;
import io.labctl.cli.ExitCodes;
import io.labctl.cli.exec.InterruptSource;
import io.labctl.protocol.channel.StreamCompressor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real session server on a real Unix socket, driven by the real client; the verbs are the tests' own
 * ({@link SessionServer.Runner}), so that every path of the relay can be made to happen on purpose. The end-to-end
 * run with labctl's verbs, labd and an agent is itests' SessionIT.
 */
class SessionTest {
    @TempDir
    Path dir;
    private SessionServer server;
    private Thread serving;
    private final AtomicReference<SessionServer.Runner> runner = new AtomicReference<>();

    @BeforeEach
    void start() throws IOException {
        server = new SessionServer(dir.resolve("s.sock"), (cli, args) -> runner.get().prepare(cli, args));
        serving = new Thread(() -> {
            try {
                server.serve();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        serving.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        server.close();
        serving.join(5000);
    }

    /** A client with the given stdin; its stdout and stderr are kept. */
    private final class Client {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final SessionClient client;

        Client(InputStream stdin, Map<String, String> env) {
            client = new SessionClient(env, stdin, out, err, false);
        }

        Client() {
            this(InputStream.nullInputStream(), Map.of());
        }

        Integer run(String... args) throws IOException {
            return client.relay(connect(), args, false);
        }

        /** Runs on another thread, so that the test can press Ctrl-C meanwhile. */
        CompletableFuture<Integer> runAsync(String... args) {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return run(args);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        String out() {
            return out.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    private FrameChannel connect() throws IOException {
        return connectTo(dir.resolve("s.sock"));
    }

    private static FrameChannel connectTo(Path sock) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(sock));
        return new FrameChannel(ch);
    }

    private void verb(VerbBody body) {
        runner.set((cli, args) -> () -> {
            try {
                return body.run(cli, args);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    interface VerbBody {
        int run(Cli cli, String[] args) throws Exception;
    }

    @Test
    void stdoutAndStderrStayApartAndTheExitCodeComesBack() throws IOException {
        verb((cli, args) -> {
            cli.out().println("out " + String.join(",", args));
            cli.err().println("err");
            cli.stdio().out().write(new byte[] {0, (byte) 0xff, '\n'});
            cli.stdio().out().flush();
            return 3;
        });
        Client c = new Client();
        assertEquals(3, c.run("a", "b c"));
        assertArrayEquals(("out a,b c\n").getBytes(StandardCharsets.UTF_8),
                java.util.Arrays.copyOf(c.out.toByteArray(), 10));
        assertArrayEquals(new byte[] {0, (byte) 0xff, '\n'},
                java.util.Arrays.copyOfRange(c.out.toByteArray(), 10, 13));
        assertEquals("err\n", c.err());
    }

    @Test
    void theVerbSeesTheClientsEnvironmentDirectoriesAndTerminalFlag() throws IOException {
        AtomicReference<String> seen = new AtomicReference<>();
        verb((cli, args) -> {
            seen.set(cli.env("LABCTL_CONFIG") + "|" + cli.env("PATH") + "|" + cli.configPath() + "|"
                    + cli.stdio().stdinIsTerminal().getAsBoolean());
            return 0;
        });
        Client c = new Client(InputStream.nullInputStream(), Map.of("LABCTL_CONFIG", "rel/config.yaml", "PATH", "/bin"));
        assertEquals(0, c.run("x"));
        // only the LABCTL_ variables travel; a relative config is the client's directory's, not the session's
        assertEquals("rel/config.yaml|null|" + Path.of("").toAbsolutePath().resolve("rel/config.yaml") + "|false",
                seen.get());
    }

    @Test
    void aLargeOutputArrivesWholeInFramesWithinTheLimit() throws IOException {
        byte[] big = new byte[3 * FrameChannel.MAX_PAYLOAD + 12345];
        new Random(7).nextBytes(big);
        verb((cli, args) -> {
            cli.stdio().out().write(big);  // one write larger than a frame
            cli.stdio().out().flush();
            return 0;
        });
        Client c = new Client();
        assertEquals(0, c.run());
        assertArrayEquals(big, c.out.toByteArray());
    }

    @Test
    void compressedStdoutIsInflatedByTheClientInOrderWithPlainStdout() throws Exception {
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < 40_000; i++) {
            log.append("2026-11-26T12:00:00Z app[").append(i % 97).append("]: line ").append(i).append('\n');
        }
        byte[] text = log.toString().getBytes(StandardCharsets.UTF_8);
        List<byte[]> payloads = new ArrayList<>();
        try (StreamCompressor compressor = new StreamCompressor((b, off, len) -> payloads.add(
                java.util.Arrays.copyOfRange(b, off, off + len)))) {
            compressor.write(text, 0, text.length);
            compressor.flush();
        }
        verb((cli, args) -> {
            OutputStream out = cli.stdio().out();
            out.write("plain first\n".getBytes(StandardCharsets.UTF_8));  // buffered: must still come first
            CompressedStdout compressed = assertInstanceOf(CompressedStdout.class, out, "the session's stdout");
            for (byte[] p : payloads) {
                compressed.writeDeflated(p, 0, p.length);
            }
            out.write("plain last\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            return 0;
        });
        Client c = new Client();
        assertEquals(0, c.run());
        assertEquals("plain first\n" + log + "plain last\n", c.out());
    }

    @Test
    void stdinIsForwardedOnlyOnceTheVerbReadsIt() throws IOException {
        byte[] data = new byte[5 << 20];
        new Random(1).nextBytes(data);
        AtomicBoolean touched = new AtomicBoolean();
        InputStream watched = new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                touched.set(true);
                return super.read(b, off, len);
            }
        };
        // a verb that never reads stdin leaves it alone: a script's next command still gets it
        verb((cli, args) -> 0);
        assertEquals(0, new Client(watched, Map.of()).run());
        assertFalse(touched.get(), "stdin was read by a verb that does not use it");

        verb((cli, args) -> {
            byte[] all = cli.stdio().in().readAllBytes();
            cli.stdio().out().write(all);
            cli.stdio().out().flush();
            return 0;
        });
        Client c = new Client(watched, Map.of());
        assertEquals(0, c.run());
        assertArrayEquals(data, c.out.toByteArray());
    }

    @Test
    void ctrlCCancelsWhatTheVerbRegisteredAndItExits130() throws Exception {
        CountDownLatch registered = new CountDownLatch(1);
        verb((cli, args) -> {
            CountDownLatch cancelled = new CountDownLatch(1);
            try (InterruptSource.Registration r = cli.interrupts().install(cancelled::countDown, () -> { })) {
                registered.countDown();
                assertTrue(cancelled.await(10, TimeUnit.SECONDS));
            }
            return ExitCodes.CANCELLED;
        });
        Client c = new Client();
        CompletableFuture<Integer> code = c.runAsync();
        assertTrue(registered.await(10, TimeUnit.SECONDS));
        c.client.interrupt();
        assertEquals(ExitCodes.CANCELLED, code.get(10, TimeUnit.SECONDS));
    }

    @Test
    void ctrlCWithNothingToCancelAnswers130AtOnceAsALocalLabctlWouldDie() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        verb((cli, args) -> {
            running.countDown();
            release.await(20, TimeUnit.SECONDS);  // e.g. a slow request to labd
            return 0;
        });
        Client c = new Client();
        CompletableFuture<Integer> code = c.runAsync();
        assertTrue(running.await(10, TimeUnit.SECONDS));
        c.client.interrupt();
        assertEquals(ExitCodes.CANCELLED, code.get(5, TimeUnit.SECONDS));
        release.countDown();
    }

    @Test
    void aClientThatVanishesCancelsItsRemoteWork() throws Exception {
        CountDownLatch registered = new CountDownLatch(1);
        CountDownLatch cancelled = new CountDownLatch(1);
        verb((cli, args) -> {
            try (InterruptSource.Registration r = cli.interrupts().install(cancelled::countDown, () -> { })) {
                registered.countDown();
                cancelled.await(10, TimeUnit.SECONDS);
            }
            return ExitCodes.CANCELLED;
        });
        FrameChannel frames = connect();
        frames.send(FrameChannel.REQUEST, new SessionRequest(java.util.List.of("exec"), Map.of(), "/root", "/", false)
                .encode());
        assertEquals(FrameChannel.STARTED, frames.receive().type());
        assertTrue(registered.await(10, TimeUnit.SECONDS));
        frames.close();  // as when the client is killed
        assertTrue(cancelled.await(10, TimeUnit.SECONDS), "the session cancels the work of a client that is gone");
    }

    @Test
    void aVerbTheSessionMustNotRunIsHandedBack() throws IOException {
        runner.set((cli, args) -> null);
        Client c = new Client();
        assertNull(c.run("quickstart"));
        assertEquals("", c.out());
    }

    @Test
    void aReaderThatGoesAwayMakesTheVerbsNextWriteFailLikeABrokenPipe() throws Exception {
        AtomicReference<IOException> failure = new AtomicReference<>();
        verb((cli, args) -> {
            OutputStream out = cli.stdio().out();
            try {
                for (int i = 0; i < 10_000; i++) {
                    out.write(new byte[1024]);
                    out.flush();
                    Thread.sleep(1);
                }
            } catch (IOException e) {
                failure.set(e);
                return 0;
            }
            return 1;
        });
        OutputStream closedPipe = new OutputStream() {
            int written;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if ((written += len) > 4096) {
                    throw new IOException("Broken pipe");
                }
            }
        };
        SessionClient client = new SessionClient(Map.of(), InputStream.nullInputStream(), closedPipe,
                new ByteArrayOutputStream(), false);
        assertEquals(0, client.relay(connect(), new String[0], false));
        assertTrue(failure.get().getMessage().contains("Broken pipe"), String.valueOf(failure.get()));
    }

    @Test
    void aSessionThatDiesMidCommandIsAnErrorNotARerun() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        verb((cli, args) -> {
            running.countDown();
            Thread.sleep(30_000);
            return 0;
        });
        Client c = new Client();
        FrameChannel frames = connect();
        CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> {
            try {
                return c.client.relay(frames, new String[] {"exec"}, false);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(running.await(10, TimeUnit.SECONDS));
        frames.channel().shutdownInput();  // the session's answers stop, as when it is killed
        assertEquals(ExitCodes.UNREACHABLE, code.get(10, TimeUnit.SECONDS));
        assertTrue(c.err().contains("the labctl session ended before the command did"), c.err());
    }

    @Test
    void framesOverTheLimitAreRefused() throws Exception {
        verb((cli, args) -> 0);
        try (FrameChannel frames = connect()) {
            assertThrows(IOException.class, () -> frames.send(FrameChannel.STDIN, new byte[FrameChannel.MAX_PAYLOAD + 1]));
            // a peer that announces one anyway is dropped without an answer
            java.nio.ByteBuffer lie = java.nio.ByteBuffer.allocate(5).put(FrameChannel.REQUEST).putInt(64 << 20).flip();
            frames.channel().write(lie);
            assertNull(frames.receive());
        }
    }

    @Test
    void clientsThatNeverSendTheirRequestLoseTheirPlaceSoTheSessionStaysUsable() throws Exception {
        verb((cli, args) -> 0);
        Path sock = dir.resolve("limited.sock");
        // the read deadline must outlast taking every place and the early client's try on a loaded machine
        try (SessionServer limited = new SessionServer(sock, (cli, args) -> runner.get().prepare(cli, args),
                Duration.ofSeconds(3))) {
            Thread t = new Thread(() -> {
                try {
                    limited.serve();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            t.start();
            List<SocketChannel> stuck = new ArrayList<>();
            try {
                for (int i = 0; i < SessionServer.MAX_ACTIVE; i++) {
                    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                    ch.connect(UnixDomainSocketAddress.of(sock));
                    if (i % 2 == 0) {
                        // half of them trickle: the header of a large request, then nothing
                        ch.write(java.nio.ByteBuffer.allocate(5).put(FrameChannel.REQUEST).putInt(1000).flip());
                    }
                    stuck.add(ch);
                }
                // every place is taken: a client now is told to run its command itself (an answer saying so, or
                // the connection cut before its request was read: labctl runs the command itself on either)
                Client early = new Client();
                try {
                    assertNull(early.client.relay(connectTo(sock), new String[] {"get"}, false));
                } catch (IOException cutOff) {
                    // as good as the answer
                }
                // each stuck connection is closed by the session (bound: 10x the deadline, CI shares 2 cores)
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                for (SocketChannel ch : stuck) {
                    FrameChannel frames = new FrameChannel(ch);
                    CompletableFuture<FrameChannel.Frame> end = CompletableFuture.supplyAsync(() -> {
                        try {
                            return frames.receive();
                        } catch (IOException e) {
                            return null;
                        }
                    });
                    assertNull(end.get(Math.max(1, until - System.nanoTime()), TimeUnit.NANOSECONDS));
                }
                // ... and the session runs commands again
                Client later = new Client();
                assertEquals(0, later.client.relay(connectTo(sock), new String[] {"get"}, false));
            } finally {
                for (SocketChannel ch : stuck) {
                    ch.close();
                }
                limited.close();
                t.join(5000);
            }
        }
    }

    @Test
    void malformedRequestsAreRefusedWithoutRunningAnything() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        verb((cli, args) -> {
            ran.set(true);
            return 0;
        });
        byte[] good = new SessionRequest(java.util.List.of("a"), Map.of("LABCTL_X", "1"), "/h", "/w", false).encode();
        assertEquals(new SessionRequest(java.util.List.of("a"), Map.of("LABCTL_X", "1"), "/h", "/w", false),
                SessionRequest.decode(good));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
        byte[] otherVersion = good.clone();
        otherVersion[3] = 99;
        byte[] foreignEnv = new SessionRequest(java.util.List.of("a"), Map.of("LABCTL_X", "1"), "/h", "/w", false)
                .encode();
        // rewrite the variable's name to one labctl does not read
        String s = new String(foreignEnv, StandardCharsets.ISO_8859_1).replace("LABCTL_X", "SECRET_X");
        for (byte[] bad : new byte[][] {truncated, otherVersion, s.getBytes(StandardCharsets.ISO_8859_1)}) {
            assertThrows(IOException.class, () -> SessionRequest.decode(bad));
            try (FrameChannel frames = connect()) {
                frames.send(FrameChannel.REQUEST, bad);
                FrameChannel.Frame answer = frames.receive();
                assertEquals(FrameChannel.RUN_LOCALLY, answer.type());
            }
        }
        assertFalse(ran.get());
    }

    @Test
    void theServerStopsWhenIdleAndRemovesItsSocket() throws Exception {
        verb((cli, args) -> 0);
        assertEquals(0, new Client().run());
        Thread watch = new Thread(() -> server.closeWhen(Duration.ofMillis(300), () -> false));
        watch.start();
        watch.join(10_000);
        assertFalse(Files.exists(dir.resolve("s.sock")));
        serving.join(5000);
        assertFalse(serving.isAlive());
    }

    @Test
    void onlyTheSessionVerbLeavesAMissingSessionUnstarted() {
        assertTrue(SessionClient.controlsTheSession(new String[] {"session", "stop"}));
        assertTrue(SessionClient.controlsTheSession(new String[] {"--context", "session", "session", "status"}));
        assertFalse(SessionClient.controlsTheSession(new String[] {"--context", "session", "get", "servers"}));
        assertFalse(SessionClient.controlsTheSession(new String[] {"exec", "server/x", "--", "session"}));
        assertFalse(SessionClient.controlsTheSession(new String[] {"-h"}));
    }

    @Test
    void onlyAPrivateDirectoryIsUsed() throws Exception {
        Path jar = Files.writeString(dir.resolve("labctl.jar"), "jar");
        Path fresh = dir.resolve("fresh");
        SessionPaths paths = SessionPaths.of(Map.of("LABCTL_SESSION_DIR", fresh.toString()), jar).orElseThrow();
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(paths.dir())));
        assertTrue(paths.socket().getFileName().toString().startsWith("session-"));

        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        assertTrue(SessionPaths.of(Map.of("LABCTL_SESSION_DIR", open.toString()), jar).isEmpty());

        Path link = Files.createSymbolicLink(dir.resolve("link"), fresh);
        assertTrue(SessionPaths.of(Map.of("LABCTL_SESSION_DIR", link.toString()), jar).isEmpty());

        // a rebuilt jar gets another socket: a client never talks to a session of another build
        Files.writeString(jar, "jar, rebuilt");
        SessionPaths rebuilt = SessionPaths.of(Map.of("LABCTL_SESSION_DIR", fresh.toString()), jar).orElseThrow();
        assertFalse(rebuilt.socket().equals(paths.socket()));
    }
}
