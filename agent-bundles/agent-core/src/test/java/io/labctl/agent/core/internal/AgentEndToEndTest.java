package io.labctl.agent.core.internal;

import static io.labctl.agent.core.internal.TestConfigs.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.agent.api.StreamHandler;
import io.labctl.protocol.ApiError;
import io.labctl.protocol.HostFacts;
import io.labctl.protocol.Pem;
import io.labctl.protocol.channel.Frame;
import io.labctl.protocol.channel.FrameType;
import io.labctl.protocol.channel.Heartbeat;
import io.labctl.protocol.channel.StreamClose;
import io.labctl.protocol.channel.StreamError;
import io.labctl.protocol.channel.StreamOpen;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent against a stand-in labd over real TLS and a real WebSocket on loopback. */
class AgentEndToEndTest {
    final ExecutorService io = Executors.newCachedThreadPool();
    final ExecutorService streams = Executors.newCachedThreadPool();
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    final HandlerRegistry handlers = new HandlerRegistry();

    @TempDir
    Path tmp;

    @AfterEach
    void stop() {
        io.shutdownNow();
        streams.shutdownNow();
        timer.shutdownNow();
    }

    AgentSettings settings(TestLabd labd, String token) {
        return AgentSettings.resolve(config(labd.url(), token, "", "web-01", tmp.resolve("identity").toString(), 1, 50, 200),
                k -> null, () -> "unused");
    }

    @Test
    void enrolsConnectsHeartbeatsServesStreamsAndReconnectsAfterAProtocolError() throws Exception {
        try (TestLabd labd = new TestLabd()) {
            handlers.add((open, channel) -> {
                byte[] greeting = ("hello " + open.params().get("who")).getBytes(StandardCharsets.UTF_8);
                channel.write(greeting, 0, greeting.length);
                channel.close(0);
                return null;
            }, Map.of(StreamHandler.KIND, "greet"));
            AgentRunner runner = new AgentRunner(settings(labd, labd.token()), handlers,
                    new HostFactsCollector(Path.of("/"), "0.1.0", List::of), io, streams, timer);
            Thread agent = new Thread(runner, "agent-under-test");
            agent.start();
            try {
                TestLabd.AgentSocket socket = labd.sockets.poll(30, TimeUnit.SECONDS);
                assertNotNull(socket, "the agent connected");
                assertEquals("CN=web-01", socket.client.getSubjectX500Principal().getName(), "with its enrolled certificate");

                Path dir = tmp.resolve("identity");
                assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("agent.key"))));
                assertEquals(socket.client, Pem.certificate(Files.readString(dir.resolve("agent.crt"))));
                assertEquals(labd.ca.certificate, Pem.certificate(Files.readString(dir.resolve("ca.crt"))));

                HostFacts hello = socket.next(f -> f.type() == FrameType.HELLO).body(HostFacts.class);
                assertFalse(hello.hostname().isBlank());
                assertEquals("0.1.0", hello.agentVersion());

                // an OPEN split over two WebSocket fragments, for a kind nobody serves
                socket.send(Frame.json(FrameType.OPEN, 3, new StreamOpen("exec", Map.of(), 0)), true);
                Frame error = socket.next(f -> f.type() == FrameType.ERROR && f.stream() == 3);
                assertEquals(StreamError.NOT_INSTALLED, error.body(StreamError.class).code());

                socket.send(Frame.json(FrameType.OPEN, 5, new StreamOpen("greet", Map.of("who", "labd"), 1024)), false);
                Frame data = socket.next(f -> f.type() == FrameType.DATA && f.stream() == 5);
                assertEquals("hello labd", new String(data.payload(), StandardCharsets.UTF_8));
                assertEquals(0, socket.next(f -> f.type() == FrameType.CLOSE && f.stream() == 5).body(StreamClose.class).exitCode());

                Heartbeat beat = socket.next(f -> f.type() == FrameType.HEARTBEAT).body(Heartbeat.class);
                assertTrue(beat.sequence() >= 1);
                assertTrue(beat.facts() == null || beat.facts().hostname() != null);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (socket.pings == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertTrue(socket.pings > 0, "the agent pings to prove the path is alive");

                // text is not part of the protocol: the agent closes (1008: java.net.http cannot send 1002) and comes back
                socket.sendRaw(0x1, "hi".getBytes(StandardCharsets.UTF_8));
                TestLabd.AgentSocket again = labd.sockets.poll(15, TimeUnit.SECONDS);
                assertNotNull(again, "the agent reconnected");
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (socket.closeCodeFromAgent == -1 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertEquals(1008, socket.closeCodeFromAgent);
                assertTrue(socket.closeReasonFromAgent.startsWith("protocol error: "), socket.closeReasonFromAgent);
                again.next(f -> f.type() == FrameType.HELLO);

                // labd cuts the agent on policy: it keeps trying (slowly), without enrolling again
                again.close(1008, "certificate revoked");
                assertNotNull(labd.sockets.poll(15, TimeUnit.SECONDS));
                assertEquals(1, labd.requests.stream().filter("/api/v1/enrol"::equals).count(), "enrolled exactly once");
            } finally {
                runner.stop();
                agent.join(10_000);
            }
            assertFalse(agent.isAlive(), "the agent stops when asked");
        }
    }

    @Test
    void aWrongPinIsCaughtInTheHandshakeBeforeTheTokenIsSent() throws Exception {
        try (TestLabd labd = new TestLabd()) {
            String otherPin = Pem.sha256Hex(TestCa.create("someone else's CA").certificate);
            String token = "lab1." + TestLabd.TOKEN_ID + "." + TestLabd.TOKEN_SECRET + "." + otherPin;
            var refused = assertThrows(LabdClient.Refused.class, () -> LabdClient.enrol(settings(labd, token), io));
            assertTrue(refused.getMessage().startsWith("labd's CA does not match the pin in the join token"), refused.getMessage());
            assertFalse(refused.getMessage().contains(TestLabd.TOKEN_SECRET), "the token is never repeated");

            // the whole agent gives up instead of retrying, and no HTTP request ever reached labd
            AgentRunner runner = new AgentRunner(settings(labd, token), handlers,
                    new HostFactsCollector(Path.of("/"), "0.1.0", List::of), io, streams, timer);
            Thread agent = new Thread(runner);
            agent.start();
            agent.join(10_000);
            assertFalse(agent.isAlive());
            assertEquals(List.of(), labd.requests);
            assertFalse(Files.exists(tmp.resolve("identity/agent.key")));
        }
    }

    @Test
    void hostNameVerificationStaysOnDuringEnrolment() throws Exception {
        try (TestLabd labd = new TestLabd("labd.example")) {
            // right pin, good chain, but the certificate is not for the host the agent dialled
            var failure = assertThrows(LabdClient.Unavailable.class, () -> LabdClient.enrol(settings(labd, labd.token()), io));
            assertTrue(failure.getMessage().toLowerCase(java.util.Locale.ROOT).contains("localhost"), failure.getMessage());
            assertEquals(List.of(), labd.requests, "the token was not sent");
        }
    }

    @Test
    void refusalsAreFinalButServerErrorsAreWorthARetry() throws Exception {
        try (TestLabd labd = new TestLabd()) {
            labd.enrolRefusal = Map.entry(403, new ApiError("token-expired",
                    "join token expired at 12:03 UTC; ask an admin for a new one (labctl create token)", "req-1"));
            var refused = assertThrows(LabdClient.Refused.class, () -> LabdClient.enrol(settings(labd, labd.token()), io));
            assertTrue(refused.getMessage().contains("join token expired at 12:03 UTC"), refused.getMessage());
            assertTrue(refused.getMessage().contains("403"));

            labd.enrolRefusal = Map.entry(503, new ApiError("unavailable", "database is starting", "req-2"));
            var unavailable = assertThrows(LabdClient.Unavailable.class, () -> LabdClient.enrol(settings(labd, labd.token()), io));
            assertTrue(unavailable.getMessage().contains("database is starting"));

            var malformed = assertThrows(LabdClient.Refused.class, () -> LabdClient.enrol(settings(labd, "lab1.nope"), io));
            assertTrue(malformed.getMessage().startsWith("malformed join token"));
        }
    }

    @Test
    void renewsADueCertificateAndConnectsWithTheNewOne() throws Exception {
        try (TestLabd labd = new TestLabd()) {
            labd.enrolLifetime = Duration.ofSeconds(20); // issued a minute back: due at once
            AgentRunner runner = new AgentRunner(settings(labd, labd.token()), handlers,
                    new HostFactsCollector(Path.of("/"), "0.1.0", List::of), io, streams, timer);
            Thread agent = new Thread(runner);
            agent.start();
            try {
                TestLabd.AgentSocket socket = labd.sockets.poll(30, TimeUnit.SECONDS);
                assertNotNull(socket);
                assertTrue(labd.requests.contains("/api/v1/agent/renew"), labd.requests.toString());
                X509Certificate stored = Pem.certificate(Files.readString(tmp.resolve("identity/agent.crt")));
                assertEquals(stored, socket.client, "connected with the renewed certificate");
                assertTrue(stored.getNotAfter().toInstant().isAfter(java.time.Instant.now().plus(Duration.ofDays(29))));
                assertTrue(new IdentityStore(tmp.resolve("identity")).load().keyMatchesCertificate(), "a new key came with it");
            } finally {
                runner.stop();
                agent.join(10_000);
            }
        }
    }
    @Test
    void downloadsWithItsIdentityIntoAFileAndRefusesWhatIsTooLarge() throws Exception {
        try (TestLabd labd = new TestLabd()) {
            AgentRunner runner = new AgentRunner(settings(labd, labd.token()), handlers,
                    new HostFactsCollector(Path.of("/"), "0.1.0", List::of), io, streams, timer);
            Thread agent = new Thread(runner);
            agent.start();
            try {
                assertNotNull(labd.sockets.poll(30, TimeUnit.SECONDS), "enrolled and connected");
                byte[] jar = new byte[300_000];
                new java.util.Random(7).nextBytes(jar);
                labd.served.put("/repo/m/1.0.0/content", new TestLabd.Served(200, jar, true, "ab12"));
                labd.served.put("/repo/unannounced", new TestLabd.Served(200, jar, false, null));
                labd.served.put("/repo/missing", new TestLabd.Served(404,
                        "{\"code\":\"not-found\",\"message\":\"no module m 9.9.9; versions: 1.0.0\",\"requestId\":\"r9\"}"
                                .getBytes(StandardCharsets.UTF_8), true, null));
                Path target = tmp.resolve("m.jar");

                var fetched = runner.download("/repo/m/1.0.0/content", target, jar.length);
                assertTrue(fetched.ok());
                assertEquals(target, fetched.file());
                assertEquals("ab12", fetched.sha256Header());
                assertTrue(java.util.Arrays.equals(jar, Files.readAllBytes(target)), "the body, byte for byte");

                Files.delete(target);
                var announced = assertThrows(java.io.IOException.class,
                        () -> runner.download("/repo/m/1.0.0/content", target, jar.length - 1));
                assertTrue(announced.getMessage().contains("larger than the 299999 bytes"), announced.getMessage());
                var streamed = assertThrows(java.io.IOException.class,
                        () -> runner.download("/repo/unannounced", target, 100_000));
                assertTrue(streamed.getMessage().contains("larger than the 100000 bytes"), streamed.getMessage());
                assertFalse(Files.exists(target), "nothing of a refused body is left");
                assertFalse(Files.exists(tmp.resolve("m.jar.part")));

                var missing = runner.download("/repo/missing", target, jar.length);
                assertEquals(404, missing.status());
                assertEquals(null, missing.file());
                assertEquals("no module m 9.9.9; versions: 1.0.0 (request r9)", missing.error());
                assertFalse(Files.exists(target));
            } finally {
                runner.stop();
                agent.join(10_000);
            }
        }
    }
}
