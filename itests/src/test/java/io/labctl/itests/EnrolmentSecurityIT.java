package io.labctl.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.labctl.itests.support.Agent;
import io.labctl.itests.support.Cli;
import io.labctl.itests.support.Csrs;
import io.labctl.itests.support.Labd;
import io.labctl.itests.support.Processes;
import io.labctl.itests.support.TcpProxy;
import io.labctl.itests.support.RawHttps;
import io.labctl.itests.support.Tls;
import io.labctl.protocol.ApiError;
import io.labctl.protocol.CredentialBundle;
import io.labctl.protocol.EnrolRequest;
import io.labctl.protocol.EnrolResponse;
import io.labctl.protocol.JoinTokenString;
import io.labctl.protocol.Json;
import io.labctl.protocol.Pem;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.TokenInfo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input against a real labd: each refused with a clear error, and nothing written (no token used up, no
 * server recorded). Plus: only enrolment and health answer without a client certificate.
 */
class EnrolmentSecurityIT {
    @TempDir
    static Path dir;
    static Labd labd;
    static Cli cli;
    static CredentialBundle admin;
    static HttpClient anonymous;

    @BeforeAll
    static void start() throws Exception {
        labd = Labd.install(dir.resolve("labd"), null);
        // refusal counts come at the end of each window: 10 s instead of a minute, so the flood test need not wait one
        Files.writeString(labd.home.resolve("etc/io.labctl.audit.cfg"), "refusalWindowSeconds = 10\n");
        labd.start();
        admin = labd.admin();
        anonymous = Tls.anonymous(admin);
        Files.createDirectories(dir.resolve("cli"));
        cli = new Cli(dir.resolve("cli/config.yaml"));
        cli.ok("config", "import", labd.adminBundle().toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (labd != null) {
            labd.close();
        }
    }

    static String token(String... flags) throws Exception {
        String[] args = new String[flags.length + 2];
        args[0] = "create";
        args[1] = "token";
        System.arraycopy(flags, 0, args, 2, flags.length);
        return cli.ok(args).strip();
    }

    static HttpResponse<String> enrol(String token, String name, String csr) throws Exception {
        byte[] body = Json.json().writeValueAsBytes(new EnrolRequest(token, name, csr));
        return anonymous.send(HttpRequest.newBuilder(URI.create(labd.url() + "/api/v1/enrol"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static ApiError refused(HttpResponse<String> r, int status) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        ApiError e = Json.json().readValue(r.body(), ApiError.class);
        assertTrue(e.message() != null && !e.message().isBlank(), r.body());
        assertTrue(e.requestId() != null, "error carries a request id: " + r.body());
        return e;
    }

    static TokenInfo tokenInfo(String token) throws Exception {
        String id = JoinTokenString.parse(token).id();
        List<TokenInfo> all = Json.json().readValue(cli.ok("get", "tokens", "-o", "json"), new TypeReference<List<TokenInfo>>() {});
        return all.stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
    }

    static boolean serverExists(String name) throws Exception {
        return cli.run("describe", "server/" + name).exitCode() == 0;
    }

    @Test
    void aOneTimeTokenEnrolsOnceAndIsRefusedAfter() throws Exception {
        String t = token();
        KeyPair k = Csrs.ecKey();
        HttpResponse<String> ok = enrol(t, "once-1", Csrs.csr("once-1", k));
        assertEquals(200, ok.statusCode(), ok.body());
        EnrolResponse resp = Json.json().readValue(ok.body(), EnrolResponse.class);
        assertEquals("CN=once-1,OU=agent,O=labctl", Pem.certificate(resp.certificate()).getSubjectX500Principal().getName());

        ApiError e = refused(enrol(t, "once-2", Csrs.csr("once-2", Csrs.ecKey())), 401);
        assertEquals("token-used", e.code());
        assertTrue(!serverExists("once-2"));
    }

    @Test
    void expiredTokenIsRefused() throws Exception {
        String t = token("--ttl", "1s");
        Thread.sleep(1500);
        ApiError e = refused(enrol(t, "late", Csrs.csr("late", Csrs.ecKey())), 401);
        assertEquals("token-expired", e.code());
        assertTrue(e.message().contains("labctl create token"), e.message());
        assertTrue(!serverExists("late"));
    }

    @Test
    void revokedTokenIsRefused() throws Exception {
        String t = token();
        cli.ok("delete", "token/" + JoinTokenString.parse(t).id());
        assertEquals("token-revoked", refused(enrol(t, "rev", Csrs.csr("rev", Csrs.ecKey())), 401).code());
        assertTrue(!serverExists("rev"));
    }

    @Test
    void csrWhoseSignatureDoesNotMatchItsKeyIsRefusedAndUsesNoToken() throws Exception {
        String t = token();
        ApiError e = refused(enrol(t, "forged", Csrs.csr("forged", Csrs.ecKey(), Csrs.ecKey())), 400);
        assertEquals("invalid-csr", e.code());
        assertEquals(0, tokenInfo(t).uses(), "nothing written: the token is still unused");
        assertTrue(!serverExists("forged"));
    }

    @Test
    void nameOutsideTheTokensScopeIsRefusedAndUsesNoToken() throws Exception {
        String t = token("--server", "db1");
        ApiError e = refused(enrol(t, "db2", Csrs.csr("db2", Csrs.ecKey())), 403);
        assertEquals("name-out-of-scope", e.code());
        assertEquals(0, tokenInfo(t).uses());
        assertEquals(200, enrol(t, "db1", Csrs.csr("db1", Csrs.ecKey())).statusCode());
    }

    @Test
    void csrNamingAnotherServerThanTheRequestIsRefused() throws Exception {
        String t = token();
        assertEquals("csr-name-mismatch", refused(enrol(t, "honest", Csrs.csr("admin", Csrs.ecKey())), 400).code());
        assertEquals(0, tokenInfo(t).uses());
    }

    @Test
    void garbageAndOversizedBodiesAreRefused() throws Exception {
        HttpResponse<String> garbage = anonymous.send(HttpRequest.newBuilder(URI.create(labd.url() + "/api/v1/enrol"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{not json")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, garbage.statusCode(), garbage.body());
        // over the 1 MiB limit; labd drains up to another MiB so that the client still reads the 413 (beyond that it cuts)
        byte[] big = new byte[(1 << 20) + (1 << 19)];
        java.util.Arrays.fill(big, (byte) 'a');
        // labd answers 413 and closes; on a loaded machine the close can overtake the client still sending (a reset it
        // then reports as "no bytes"), so up to three tries to read the 413 itself
        HttpResponse<String> tooBig = null;
        for (int attempt = 1; tooBig == null; attempt++) {
            try {
                tooBig = Tls.anonymous(admin).send(HttpRequest.newBuilder(URI.create(labd.url() + "/api/v1/enrol"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
        assertEquals(413, tooBig.statusCode(), tooBig.body());
        assertEquals("token-malformed", refused(enrol("lab1.nope", "x", Csrs.csr("x", Csrs.ecKey())), 400).code());
    }

    @Test
    void onlyHealthAndEnrolmentAnswerWithoutAClientCertificate() throws Exception {
        assertEquals(200, anonymous.send(HttpRequest.newBuilder(URI.create(labd.url() + "/api/v1/health")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        for (String[] call : new String[][] {{"GET", "/api/v1/servers"}, {"GET", "/api/v1/servers/x"}, {"DELETE", "/api/v1/servers/x"},
                {"GET", "/api/v1/tokens"}, {"POST", "/api/v1/tokens"}, {"GET", "/api/v1/no-such-route"}, {"DELETE", "/api/v1/tokens/abcdef"}, {"POST", "/api/v1/agent/renew"}}) {
            // a client of its own per call: labd may close a connection whose request body it refused to read
            HttpResponse<String> r = Tls.anonymous(admin).send(HttpRequest.newBuilder(URI.create(labd.url() + call[1]))
                    .header("Content-Type", "application/json")
                    .method(call[0], call[0].equals("POST") ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, r.statusCode(), call[0] + " " + call[1] + " answered without a certificate: " + r.body());
        }
        CompletionStage<WebSocket> ws = anonymous.newWebSocketBuilder()
                .buildAsync(URI.create(labd.url().replace("https", "wss") + "/ws/agent"), new WebSocket.Listener() {});
        Exception e = assertThrows(Exception.class, () -> ws.toCompletableFuture().get(20, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof java.net.http.WebSocketHandshakeException, String.valueOf(e));
        assertEquals(401, ((java.net.http.WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
    }

    @Test
    void certificateFromAnotherCaIsRefusedEvenWithTheAdminsSubject() throws Exception {
        Object[] foreign = Csrs.foreignClient("CN=admin,OU=user,O=labctl");
        SSLContext ctx = Tls.context(Pem.certificate(admin.caCertificate()), (X509Certificate) foreign[1], (PrivateKey) foreign[2]);
        HttpClient forged = Tls.client(ctx);
        try {
            HttpResponse<String> r = forged.send(HttpRequest.newBuilder(URI.create(labd.url() + "/api/v1/servers")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, r.statusCode(), "a foreign certificate must not pass: " + r.body());
        } catch (java.io.IOException handshakeRefused) {
            // refused during the TLS handshake: just as good
        }
    }

    static SSLContext anonymousTls() throws Exception {
        return Tls.context(Pem.certificate(admin.caCertificate()), null, null);
    }

    static int port() {
        return URI.create(labd.url()).getPort();
    }

    /** Audit rows of user (all of them, as JSON). */
    static List<io.labctl.protocol.access.AuditEntry> auditRows(String user) throws Exception {
        return Json.json().readValue(cli.ok("logs", "audit", "--user", user, "--limit", "10000", "-o", "json"),
                new TypeReference<List<io.labctl.protocol.access.AuditEntry>>() {});
    }

    /** Waits for a row of user from source that matches. */
    static io.labctl.protocol.access.AuditEntry awaitRow(String user, String source,
            java.util.function.Predicate<io.labctl.protocol.access.AuditEntry> matches) throws Exception {
        return awaitRow(user, source, Duration.ofSeconds(30), matches);
    }

    static io.labctl.protocol.access.AuditEntry awaitRow(String user, String source, Duration within,
            java.util.function.Predicate<io.labctl.protocol.access.AuditEntry> matches) throws Exception {
        java.util.concurrent.atomic.AtomicReference<io.labctl.protocol.access.AuditEntry> found =
                new java.util.concurrent.atomic.AtomicReference<>();
        Processes.await("an audit row of " + user + " from " + source, within, () -> {
            try {
                auditRows(user).stream().filter(e -> source.equals(e.source()) && matches.test(e)).findFirst()
                        .ifPresent(found::set);
                return found.get() != null;
            } catch (Exception e) {
                return false;
            }
        });
        return found.get();
    }

    @Test
    void unknownPathsAnswerAnonymousCallersLikeEveryRoute() throws Exception {
        SSLContext anonymousTls = anonymousTls();
        for (String path : List.of("/admin", "/ws/nope", "/ws/exec", "/", "/api/nope", "/api/v1/no-such-route")) {
            RawHttps.Response r = RawHttps.send(anonymousTls, "127.0.0.21", port(), RawHttps.get(path));
            assertEquals(401, r.status(), path + " answered without a certificate: " + r.text());
            assertTrue(r.text().contains("client_certificate_required"), r.text());
        }
        RawHttps.Response ws = RawHttps.send(anonymousTls, "127.0.0.21", port(), RawHttps.upgrade("/ws/nope"));
        assertEquals(401, ws.status(), ws.text());
        // a caller labd knows still learns that a path does not exist
        HttpResponse<String> known = Tls.client(admin).send(HttpRequest.newBuilder(URI.create(labd.url() + "/admin"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, known.statusCode(), known.body());
    }

    @Test
    void refusalsOfCallersWithoutAnAcceptedIdentityLeaveRows() throws Exception {
        RawHttps.Response anonymousCall = RawHttps.send(anonymousTls(), "127.0.0.31", port(), RawHttps.get("/api/v1/servers"));
        assertEquals(401, anonymousCall.status(), anonymousCall.text());
        awaitRow("anonymous", "127.0.0.31", e -> "denied".equals(e.result())
                && e.error().contains("client_certificate_required"));

        // self-signed, with a user's subject: refused in the TLS handshake, recorded under the name it claims
        Object[] foreign = Csrs.foreignClient("CN=bob,OU=user,O=labctl");
        SSLContext forged = Tls.presenting(Pem.certificate(admin.caCertificate()), (X509Certificate) foreign[1],
                (PrivateKey) foreign[2]);
        try {
            RawHttps.Response r = RawHttps.send(forged, "127.0.0.32", port(), RawHttps.get("/api/v1/servers"));
            assertEquals(401, r.status(), "a foreign certificate must not pass: " + r.text());
        } catch (java.io.IOException handshakeRefused) {
            // refused during the TLS handshake: the usual way
        }
        io.labctl.protocol.access.AuditEntry bob = awaitRow("bob", "127.0.0.32", e -> "denied".equals(e.result()));
        assertTrue(bob.error().contains("NOT verified"), "the row says the name was not verified: " + bob.error());

        // a broken chunked body to the enrolment route: a 400 that says what is wrong, and a row
        RawHttps.Response chunked = RawHttps.send(anonymousTls(), "127.0.0.33", port(), "POST /api/v1/enrol HTTP/1.1\r\n"
                + "Host: labd\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n"
                + "\r\n5\r\n{\"tok\r\nZZ\r\nen\":1}\r\n0\r\n\r\n");
        assertEquals(400, chunked.status(), chunked.text());
        assertTrue(!chunked.text().contains("internal error"), chunked.text());
        awaitRow("anonymous", "127.0.0.33", e -> "request.malformed".equals(e.action()));
    }

    @Test
    void aRevokedCertificateIsRefusedOnEverySocketAndEachRefusalIsARow() throws Exception {
        Path bundle = dir.resolve("carol.labctl.yaml");
        cli.ok("create", "user", "carol", "--out", bundle.toString());
        CredentialBundle carol = CredentialBundle.read(bundle);
        cli.ok("delete", "user/carol");
        SSLContext revoked = Tls.context(Pem.certificate(carol.caCertificate()), Pem.certificate(carol.certificate()),
                Pem.privateKey(carol.privateKey()));
        for (String socket : List.of("/ws/exec?server=x", "/ws/logs?server=x", "/ws/agent")) {
            RawHttps.Response r = RawHttps.send(revoked, "127.0.0.34", port(), RawHttps.upgrade(socket));
            assertEquals(403, r.status(), socket + ": " + r.text());
            String path = socket.replaceAll("\\?.*", "");
            awaitRow("carol", "127.0.0.34", e -> "socket.open".equals(e.action()) && path.equals(e.resource())
                    && e.error().contains("certificate_revoked"));
        }
    }

    @Test
    void aFloodOfRefusalsCostsAFewRowsAndOneCount() throws Exception {
        SSLContext anonymousTls = anonymousTls();
        int sent = 30;
        for (int i = 0; i < sent; i++) {
            assertEquals(401, RawHttps.send(anonymousTls, "127.0.0.35", port(), RawHttps.get("/api/v1/tokens")).status());
        }
        // the count of the rest is written once the window (10 s here, a minute by default) is over (checked every 5 s)
        io.labctl.protocol.access.AuditEntry count = awaitRow("anonymous", "127.0.0.35", Duration.ofSeconds(120),
                e -> "refusals.suppressed".equals(e.action()));
        List<io.labctl.protocol.access.AuditEntry> single = auditRows("anonymous").stream()
                .filter(e -> "127.0.0.35".equals(e.source()) && !"refusals.suppressed".equals(e.action())).toList();
        assertTrue(single.size() >= 1 && single.size() <= 5, "a few rows one by one: " + single.size());
        assertTrue(count.error().startsWith((sent - single.size()) + " more refusal(s) from 127.0.0.35"), count.error());
    }

    /** Sends one binary message on an agent's own mutual-TLS WebSocket and returns the close code labd answers with. */
    static int closeCodeAfterSending(SSLContext agentTls, ByteBuffer message) throws Exception {
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket ws = Tls.client(agentTls).newWebSocketBuilder().buildAsync(
                URI.create(labd.url().replace("https", "wss") + "/ws/agent"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closed.complete(statusCode);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                        closed.complete(-1);
                    }
                }).get(20, TimeUnit.SECONDS);
        ws.sendBinary(message, true);
        return closed.get(20, TimeUnit.SECONDS);
    }

    @Test
    void garbageAndOversizedFramesEndTheAgentsConnection() throws Exception {
        String t = token();
        try (Agent a = Agent.install(dir.resolve("frames"), "frames", labd.url(), t).start()) {
            Processes.await("agent 'frames' enrolled (log " + a.log() + ")", Duration.ofSeconds(90),
                    () -> Files.exists(a.identity().resolve("agent.crt")));
            // while the agent is connected, labd refuses a second connection with its certificate: only the
            // certificate is needed, so the agent stops first
            a.stop();
            SSLContext agentTls = Tls.context(Pem.certificate(admin.caCertificate()),
                    Pem.certificate(Files.readString(a.identity().resolve("agent.crt"))),
                    Pem.privateKey(Files.readString(a.identity().resolve("agent.key"))));
            assertEquals(1002, closeCodeAfterSending(agentTls, ByteBuffer.wrap(new byte[] {42, 1, 2})));
            assertEquals(1009, closeCodeAfterSending(agentTls, ByteBuffer.allocate(io.labctl.protocol.channel.Frame.MAX_FRAME + 1024)));
            assertTrue(labd.isRunning(), "labd survives");
        }
    }

    @Test
    void agentRefusesALabdWhoseCaDoesNotMatchThePinAndKeepsTheTokenUnused() throws Exception {
        String good = token();
        JoinTokenString parsed = JoinTokenString.parse(good);
        String wrongPin = new JoinTokenString(parsed.id(), parsed.secret(), "00".repeat(32)).toString();
        try (Agent a = Agent.install(dir.resolve("pinned"), "pinned", labd.url(), wrongPin).start()) {
            Processes.await("the agent to refuse labd over the pin (log " + a.log() + ")", Duration.ofSeconds(90),
                    () -> {
                        try {
                            return a.logText().contains("does not match the pin");
                        } catch (Exception e) {
                            return false;
                        }
                    });
            assertTrue(!Files.exists(a.identity().resolve("agent.crt")));
            assertEquals(0, tokenInfo(good).uses(), "the secret never reached labd");
        }
    }

    @Test
    void deletingAServerRevokesItsCertificateAndCutsItsConnection() throws Exception {
        String t = token();
        try (Agent a = Agent.install(dir.resolve("doomed"), "doomed", labd.url(), t).start()) {
            Processes.await("agent 'doomed' online", Duration.ofSeconds(90), () -> {
                try {
                    return cli.ok("get", "servers", "-o", "json").contains("\"online\"") && serverExists("doomed");
                } catch (Exception e) {
                    return false;
                }
            });
            SSLContext agentTls = Tls.context(Pem.certificate(admin.caCertificate()),
                    Pem.certificate(Files.readString(a.identity().resolve("agent.crt"))),
                    Pem.privateKey(Files.readString(a.identity().resolve("agent.key"))));
            cli.ok("delete", "server/doomed");
            assertTrue(!serverExists("doomed"));
            // the revoked certificate no longer opens anything
            HttpResponse<String> renew = Tls.client(agentTls).send(HttpRequest.newBuilder(URI.create(labd.url() + "/api/v1/agent/renew"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, renew.statusCode(), renew.body());
            Processes.await("labd to log that it cut the revoked agent", Duration.ofSeconds(20), () -> {
                try {
                    return Files.readString(labd.log()).contains("cutting agent doomed");
                } catch (java.io.IOException e) {
                    return false;
                }
            });
        }
    }

    static SSLContext agentTls(Agent a) throws Exception {
        return Tls.context(Pem.certificate(admin.caCertificate()),
                Pem.certificate(Files.readString(a.identity().resolve("agent.crt"))),
                Pem.privateKey(Files.readString(a.identity().resolve("agent.key"))));
    }

    static String status(String name) {
        try {
            List<ServerInfo> all = Json.json().readValue(cli.ok("get", "servers", "-o", "json"),
                    new TypeReference<List<ServerInfo>>() {});
            return all.stream().filter(s -> s.name().equals(name)).map(ServerInfo::status).findFirst().orElse("absent");
        } catch (Exception e) {
            return "error: " + e.getMessage();
        }
    }

    static void awaitOnline(Agent a) throws InterruptedException {
        Processes.await("agent '" + a.name + "' online (log " + a.log() + ")", Duration.ofSeconds(90),
                () -> ServerInfo.ONLINE.equals(status(a.name)));
    }

    static List<AuditEntry> agentConnectRows(String name) throws Exception {
        return Json.json().readValue(cli.ok("logs", "audit", "--user", "agent/" + name, "--action", "agent.connect",
                "-o", "json"), new TypeReference<List<AuditEntry>>() {});
    }

    static long countOf(Path log, String text) throws java.io.IOException {
        return Files.exists(log) ? Files.readString(log).lines().filter(l -> l.contains(text)).count() : 0;
    }

    @Test
    void aSecondConnectionWithALiveAgentsCertificateIsRefusedAndTheAgentStaysOnline() throws Exception {
        try (Agent a = Agent.install(dir.resolve("twin"), "twin", labd.url(), token()).start()) {
            awaitOnline(a);
            long connectedBefore = countOf(labd.log(), "agent twin connected from");
            SSLContext copiedKey = agentTls(a);
            URI socket = URI.create(labd.url().replace("https", "wss") + "/ws/agent");
            for (int i = 0; i < 3; i++) {
                CompletableFuture<WebSocket> second = Tls.client(copiedKey).newWebSocketBuilder()
                        .buildAsync(socket, new WebSocket.Listener() {});
                java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                        () -> second.get(20, TimeUnit.SECONDS), "a second connection with twin's certificate was accepted");
                assertTrue(e.getCause() instanceof java.net.http.WebSocketHandshakeException, String.valueOf(e));
                assertEquals(409, ((java.net.http.WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
            }
            // the real agent was never cut: still online, answering, on its first connection
            assertEquals(ServerInfo.ONLINE, status("twin"));
            String pong = cli.ok("ping", "server/twin");
            assertTrue(pong.contains("server/twin: pong in"), pong);
            assertEquals(connectedBefore, countOf(labd.log(), "agent twin connected from"), "the agent never reconnected");
            assertTrue(!a.logText().contains("disconnected from labd"), "the agent lost its connection (log " + a.log() + ")");

            List<AuditEntry> rows = agentConnectRows("twin");
            assertEquals(3, rows.stream().filter(r -> r.result().equals(AuditEntry.DENIED)).count(), rows.toString());
            assertTrue(rows.stream().allMatch(r -> r.source() != null && r.source().contains("127.0.0.1")
                    && "server/twin".equals(r.resource()) && r.error().contains("already connected")), rows.toString());
        }
    }

    @Test
    void anAgentWhoseConnectionDiedSilentlyIsBackAsSoonAsItReconnects() throws Exception {
        try (TcpProxy cable = new TcpProxy(new java.net.InetSocketAddress("127.0.0.1", labd.port));
             Agent a = Agent.install(dir.resolve("cut"), "cut", "https://127.0.0.1:" + cable.port(), token()).start()) {
            awaitOnline(a);
            long connectedBefore = countOf(labd.log(), "agent cut connected from");
            int acceptedBefore = cable.acceptedAtNanos().size();
            // labd is not told: its end of the connection stays open and looks alive until probed
            cable.blackholeCurrent();
            // the agent notices the silence (about 20 s) and reconnects through the cable
            Processes.await("the agent to reconnect (log " + a.log() + ")", Duration.ofSeconds(90),
                    () -> cable.acceptedAtNanos().size() > acceptedBefore);
            long reconnectedAt = cable.acceptedAtNanos().get(acceptedBefore);
            Processes.await("labd to take the agent's new connection (log " + labd.log() + ")", Duration.ofSeconds(30),
                    () -> {
                        try {
                            return countOf(labd.log(), "agent cut connected from") > connectedBefore;
                        } catch (java.io.IOException e) {
                            return false;
                        }
                    });
            long tookMillis = (System.nanoTime() - reconnectedAt) / 1_000_000;
            // goal: one liveness probe (1 s) plus one handshake; bound about five times that
            assertTrue(tookMillis < 10_000, "the reconnected agent was kept waiting " + tookMillis + " ms");
            List<AuditEntry> rows = agentConnectRows("cut");
            assertTrue(rows.stream().anyMatch(r -> r.result().equals(AuditEntry.OK)
                    && r.error() != null && r.error().contains("did not answer a liveness probe")), rows.toString());
            Processes.await("cut online", Duration.ofSeconds(30), () -> ServerInfo.ONLINE.equals(status("cut")));
            String pong = cli.ok("ping", "server/cut");
            assertTrue(pong.contains("server/cut: pong in"), pong);
        }
    }
}
