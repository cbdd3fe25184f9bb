package io.labctl.web.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.labctl.api.CertificateAuthority.KeyPairCertificate;
import io.labctl.api.Identity;
import io.labctl.api.web.PeerPrincipal;
import io.labctl.api.web.SocketEndpoint;
import io.labctl.protocol.Api;
import io.labctl.protocol.CredentialBundle;
import io.labctl.protocol.Json;
import io.labctl.protocol.Pem;
import io.labctl.protocol.access.Permission;
import io.labctl.protocol.channel.Frame;
import io.labctl.api.access.DecidingGate;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The real server component, outside OSGi, on a free loopback port, exercised by real TLS clients. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebServerTest {
    /** Bounds a wait for something that must happen; never a performance expectation. */
    private static final long WAIT_SECONDS = 30;

    @TempDir
    static Path etc;

    TestCertificateAuthority ca;
    WebServer server;
    String base;
    RecordingSocketEndpoint echo;
    TestAccessControl access;
    RecordingAuditTrail audit;
    TestRoutes routes;
    KeyPairCertificate admin;
    HttpClient adminClient;
    HttpClient anonymous;

    static WebConfig config(Map<String, Object> overrides) {
        return (WebConfig) Proxy.newProxyInstance(WebConfig.class.getClassLoader(), new Class<?>[] {WebConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> WebConfig.class;
                    case "toString" -> "WebConfig" + overrides;
                    case "hashCode" -> overrides.hashCode();
                    case "equals" -> proxy == args[0];
                    default -> overrides.getOrDefault(method.getName(), method.getDefaultValue());
                });
    }

    @BeforeAll
    void start() throws Exception {
        ca = new TestCertificateAuthority("labctl test CA");
        server = new WebServer(ca, config(Map.of("host", "127.0.0.1", "port", 0)), etc, "9.9.9-test");
        access = new TestAccessControl();
        audit = new RecordingAuditTrail();
        server.setAccessControl(access);
        server.setAuditTrail(audit);
        server.setGate(new DecidingGate(access, audit));
        routes = new TestRoutes();
        server.addResource(routes);
        echo = new RecordingSocketEndpoint();
        server.addSocketEndpoint(echo, Map.of(SocketEndpoint.PATH_PROPERTY, "/echo",
                SocketEndpoint.AUDIENCE_PROPERTY, SocketEndpoint.AGENTS));
        server.awaitReloads();
        base = "https://localhost:" + server.port();

        // the admin's credentials are the ones the server wrote on first start
        CredentialBundle bundle = CredentialBundle.read(etc.resolve(AdminCredentials.FILE_NAME));
        admin = new KeyPairCertificate(Pem.certificate(bundle.certificate()), Pem.privateKey(bundle.privateKey()));
        adminClient = TestClients.client(ca.caCertificate(), admin);
        anonymous = TestClients.client(ca.caCertificate(), null);
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    // ---- helpers

    HttpResponse<String> get(HttpClient client, String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(WAIT_SECONDS))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(HttpClient client, String path, HttpRequest.BodyPublisher body)
            throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(WAIT_SECONDS))
                .header("Content-Type", "application/json").POST(body).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpClient agentClient() {
        return TestClients.client(ca.caCertificate(), issue(Identity.Kind.AGENT, "node-" + System.nanoTime()));
    }

    KeyPairCertificate issue(Identity.Kind kind, String name) {
        return ca.issueWithNewKey(new Identity(kind, name), Duration.ofDays(1));
    }

    /** Asserts the one error shape and that its request id is the response's X-Request-Id. */
    static JsonNode assertError(HttpResponse<String> response, int status, String code) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                response.headers().toString());
        JsonNode body = Json.json().readTree(response.body());
        assertEquals(code, body.path("code").asText(), response.body());
        assertFalse(body.path("message").asText().isBlank(), response.body());
        String requestId = response.headers().firstValue(RequestIds.HEADER).orElse(null);
        assertNotNull(requestId, "X-Request-Id header");
        assertEquals(requestId, body.path("requestId").asText(), "body names the same request id as the header");
        return body;
    }

    // ---- REST: authentication and authorization

    @Test
    void healthAnswersWithoutACertificate() throws Exception {
        HttpResponse<String> response = get(anonymous, Api.HEALTH);
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = Json.json().readTree(response.body());
        assertEquals("ok", body.path("status").asText());
        assertEquals("9.9.9-test", body.path("version").asText());
        assertTrue(response.headers().firstValue(RequestIds.HEADER).isPresent());
    }

    @Test
    void healthIs503WhileAPartLabdNeedsIsDown() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean up = new java.util.concurrent.atomic.AtomicBoolean(false);
        io.labctl.api.HealthCheck database = new io.labctl.api.HealthCheck() {
            @Override
            public String part() {
                return "database";
            }

            @Override
            public Status check() {
                return up.get() ? Status.ok() : Status.unavailable("labd's database is unreachable");
            }
        };
        server.addHealthCheck(database);
        try {
            HttpResponse<String> down = get(anonymous, Api.HEALTH);
            assertEquals(503, down.statusCode(), down.body());
            JsonNode body = Json.json().readTree(down.body());
            assertEquals("unavailable", body.path("status").asText());
            assertEquals("unavailable", body.path("parts").path("database").path("status").asText());
            assertEquals("labd's database is unreachable", body.path("parts").path("database").path("detail").asText());
            assertEquals("ok", body.path("parts").path("audit").path("status").asText());
            up.set(true);
            HttpResponse<String> back = get(anonymous, Api.HEALTH);
            assertEquals(200, back.statusCode(), back.body());
            assertEquals("ok", Json.json().readTree(back.body()).path("parts").path("database").path("status").asText());
        } finally {
            server.removeHealthCheck(database);
        }
    }

    @Test
    void requestIdsDifferPerRequest() throws Exception {
        String first = get(anonymous, Api.HEALTH).headers().firstValue(RequestIds.HEADER).orElseThrow();
        String second = get(anonymous, Api.HEALTH).headers().firstValue(RequestIds.HEADER).orElseThrow();
        assertFalse(first.equals(second));
    }

    @Test
    void nonPublicRouteWithoutACertificateIs401() throws Exception {
        JsonNode error = assertError(get(anonymous, "/api/v1/test/whoami"), 401, "client_certificate_required");
        assertTrue(error.path("message").asText().contains("labctl config import"), error.toString());
    }

    @Test
    void adminCertificatePassesAndBecomesThePrincipal() throws Exception {
        HttpResponse<String> response = get(adminClient, "/api/v1/test/whoami");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = Json.json().readTree(response.body());
        assertEquals("user/admin", body.path("identity").asText());
        assertEquals("127.0.0.1", body.path("remoteAddress").asText());
        assertEquals(admin.certificate().getSerialNumber().toString(16), body.path("serial").asText());
    }

    @Test
    void adminBundleIsOwnerOnlyAndNamesTheAdvertisedServer() throws Exception {
        Path file = etc.resolve(AdminCredentials.FILE_NAME);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        CredentialBundle bundle = CredentialBundle.read(file);
        assertEquals("https://127.0.0.1:" + server.port(), bundle.server());
        assertEquals(server.advertiseUrl(), bundle.server());
        assertEquals("admin", bundle.user());
        assertEquals(ca.caCertificate(), Pem.certificate(bundle.caCertificate()));
        assertEquals(new Identity(Identity.Kind.USER, "admin"), Identity.of(Pem.certificate(bundle.certificate())));
    }

    @Test
    void anExistingAdminBundleIsNotReplaced() throws Exception {
        Path file = etc.resolve(AdminCredentials.FILE_NAME);
        String before = Files.readString(file);
        WebServer second = new WebServer(ca, config(Map.of("host", "127.0.0.1", "port", 0)), etc, "x");
        try {
            assertEquals(before, Files.readString(file));
        } finally {
            second.stop();
        }
    }

    @Test
    void agentCertificateIsRefusedOnUserRoutesButPassesAgentRoutes() throws Exception {
        HttpClient agent = TestClients.client(ca.caCertificate(), issue(Identity.Kind.AGENT, "node-1"));
        JsonNode error = assertError(get(agent, "/api/v1/test/whoami"), 403, "forbidden");
        assertTrue(error.path("message").asText().contains("agent"), error.toString());

        HttpResponse<String> ok = get(agent, "/api/v1/test/agent");
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("agent/node-1", Json.json().readTree(ok.body()).path("identity").asText());
    }

    @Test
    void usersAreRefusedOnAgentRoutes() throws Exception {
        assertError(get(adminClient, "/api/v1/test/agent"), 403, "agents_only");
    }

    @Test
    void aUserWithoutTheDeclaredPermissionIs403AndTheDenialIsAudited() throws Exception {
        HttpClient alice = TestClients.client(ca.caCertificate(), issue(Identity.Kind.USER, "alice"));
        access.allows.put("alice", List.of(Permission.parse("read:*:*:*")));
        JsonNode error = assertError(post(alice, "/api/v1/test/echo",
                HttpRequest.BodyPublishers.ofString("{\"text\":\"x\",\"number\":1}")), 403, "forbidden");
        assertTrue(error.path("message").asText().contains("manage"), error.toString());
        RecordingAuditTrail.Row row = audit.last();
        assertEquals("alice", row.event().user());
        assertEquals("test.echo", row.event().action());
        assertEquals("denied", row.result());
        assertEquals("/v1/test/echo", row.event().resource());
    }

    @Test
    void serverScopedRoutesAreDecidedOnTheServersRecord() throws Exception {
        HttpClient bob = TestClients.client(ca.caCertificate(), issue(Identity.Kind.USER, "bob"));
        access.allows.put("bob", List.of(Permission.parse("exec:lab:test:web-1")));
        assertEquals(200, get(bob, "/api/v1/test/servers/web-1").statusCode());
        assertError(get(bob, "/api/v1/test/servers/web-2"), 403, "forbidden");
    }

    @Test
    void perItemRoutesAdmitWhoeverHoldsTheActionSomewhereAndCheckEachItem() throws Exception {
        HttpClient carol = TestClients.client(ca.caCertificate(), issue(Identity.Kind.USER, "carol"));
        access.allows.put("carol", List.of(Permission.parse("read:lab:test:a")));
        HttpResponse<String> ok = get(carol, "/api/v1/test/items");
        assertEquals(200, ok.statusCode(), ok.body());
        JsonNode items = Json.json().readTree(ok.body());
        assertTrue(items.path("a").asBoolean());
        assertFalse(items.path("b").asBoolean());
        HttpClient dave = TestClients.client(ca.caCertificate(), issue(Identity.Kind.USER, "dave"));
        assertError(get(dave, "/api/v1/test/items"), 403, "forbidden");
    }

    @Test
    void admittedRequestsAreAuditedWithTheirOutcomeAndSession() throws Exception {
        HttpResponse<String> ok = adminClient.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/test/whoami"))
                .header(Api.SESSION_HEADER, "1a2b3c4d").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode());
        assertEquals("1a2b3c4d", Json.json().readTree(ok.body()).path("session").asText());
        RecordingAuditTrail.Row row = audit.last();
        assertEquals("admin", row.event().user());
        assertEquals("1a2b3c4d", row.event().sessionId());
        assertEquals("127.0.0.1", row.event().source());
        assertEquals("ok", row.result());

        assertError(get(adminClient, "/api/v1/test/conflict"), 409, "thing_busy");
        assertEquals("failed", audit.last().result());
        assertTrue(audit.last().error().contains("busy"));
        int before = audit.rows.size();
        assertEquals(200, get(anonymous, Api.HEALTH).statusCode());
        assertEquals(before, audit.rows.size(), "the health check is not audited");
    }

    @Test
    void whenTheAuditRowCannotBeWrittenTheRequestFailsAndAChangeIsUndone() throws Exception {
        audit.failing = true;
        try {
            assertError(get(adminClient, "/api/v1/test/whoami"), 503, "audit-unavailable");
            int ran = routes.changes.get();
            assertError(post(adminClient, "/api/v1/test/echo",
                    HttpRequest.BodyPublishers.ofString("{\"text\":\"x\",\"number\":1}")), 503, "audit-unavailable");
            assertEquals(ran + 1, routes.changes.get(), "the handler ran inside the transaction");
            assertTrue(audit.lastChangeRolledBack, "and its transaction failed with the audit row");
        } finally {
            audit.failing = false;
        }
    }

    @Test
    void withoutAccessControlOrAuditEveryRequestIsRefused() throws Exception {
        server.removeAccessControl(access);
        try {
            assertError(get(adminClient, "/api/v1/test/whoami"), 503, "access-control-unavailable");
            HttpResponse<String> health = get(anonymous, Api.HEALTH);
            assertEquals(503, health.statusCode(), "health answers, and says labd cannot serve: " + health.body());
            assertEquals("unavailable", Json.json().readTree(health.body()).path("parts").path("access control")
                    .path("status").asText(), health.body());
        } finally {
            server.setAccessControl(access);
        }
        server.removeAuditTrail(audit);
        try {
            assertError(get(adminClient, "/api/v1/test/whoami"), 503, "audit-unavailable");
            HttpClient agent = TestClients.client(ca.caCertificate(), issue(Identity.Kind.AGENT, "node-2"));
            assertError(get(agent, "/api/v1/test/agent"), 503, "audit-unavailable");
        } finally {
            server.setAuditTrail(audit);
        }
        assertEquals(200, get(adminClient, "/api/v1/test/whoami").statusCode(), "back once both are there");
    }

    @Test
    void aResourceWithAnUndeclaredRouteIsNotServedAtAll() throws Exception {
        assertFalse(Declaration.problems(TestRoutes.Forgetful.class).isEmpty());
        assertTrue(Declaration.problems(TestRoutes.class).isEmpty(), Declaration.problems(TestRoutes.class).toString());
        Object forgetful = new TestRoutes.Forgetful();
        server.addResource(forgetful);
        server.awaitReloads();
        try {
            assertError(get(adminClient, "/api/v1/forgetful"), 404, "not_found");
            assertError(get(adminClient, "/api/v1/forgetful/open"), 404, "not_found");
        } finally {
            server.removeResource(forgetful);
            server.awaitReloads();
        }
    }

    /** A users' stream endpoint that echoes and reports an outcome, as exec does. */
    static final class StreamEcho implements SocketEndpoint {
        final BlockingQueue<String> servers = new LinkedBlockingQueue<>();
        final BlockingQueue<Integer> closes = new LinkedBlockingQueue<>();

        @Override
        public io.labctl.api.web.SocketListener open(io.labctl.api.web.StreamSession session,
                                                     io.labctl.api.web.SocketConnection connection) {
            session.open("server/" + session.server() + ": echo", "[\"echo\"]");
            servers.add(session.server());
            return new io.labctl.api.web.SocketListener() {
                @Override
                public void onBinary(ByteBuffer message) {
                    connection.send(message);
                    session.outcome("ok", "exit 0");
                }

                @Override
                public void onClose(int code, String reason) {
                    closes.add(code);
                    if (code != 1000) {
                        // as exec does when the socket goes away mid-stream
                        session.outcome("failed", "client disconnected (" + code + ")");
                    }
                }
            };
        }
    }

    @Test
    void usersStreamsAreDecidedOnTheNamedServerAndAuditedWhenTheyOpenAndClose() throws Exception {
        StreamEcho endpoint = new StreamEcho();
        server.addSocketEndpoint(endpoint, Map.of(SocketEndpoint.PATH_PROPERTY, "/stream",
                SocketEndpoint.AUDIENCE_PROPERTY, SocketEndpoint.USERS, SocketEndpoint.ACTION_PROPERTY, "exec",
                SocketEndpoint.VERB_PROPERTY, "stream"));
        HttpClient erin = TestClients.client(ca.caCertificate(), issue(Identity.Kind.USER, "erin"));
        access.allows.put("erin", List.of(Permission.parse("exec:lab:test:web-1")));

        Exception denied = assertThrows(Exception.class, () -> connect(erin, "/stream?server=web-2", new ClientListener()));
        assertEquals(403, handshakeStatus(denied));
        assertEquals("stream.open", audit.last().event().action());
        assertEquals("denied", audit.last().result());
        assertEquals("server/web-2", audit.last().event().resource());

        ClientListener listener = new ClientListener();
        WebSocket socket = connect(erin, "/stream?server=web-1", listener);
        assertEquals("web-1", endpoint.servers.poll(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals("stream.open", audit.last().event().action());
        assertEquals("ok", audit.last().result());
        socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2}), true).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertArrayEquals(new byte[] {1, 2}, listener.binary.poll(WAIT_SECONDS, TimeUnit.SECONDS));
        socket.sendClose(1000, "bye").get(WAIT_SECONDS, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!"stream.close".equals(audit.last().event().action()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        RecordingAuditTrail.Row closed = audit.last();
        assertEquals("stream.close", closed.event().action());
        assertEquals("server/web-1: echo", closed.event().resource());
        assertEquals("ok", closed.result());
        assertEquals("exit 0", closed.error());

        HttpClient agent = agentClient();
        Exception agentRefused = assertThrows(Exception.class, () -> connect(agent, "/stream?server=web-1", new ClientListener()));
        assertEquals(403, handshakeStatus(agentRefused));
    }

    @Test
    void anOpenUsersStreamEndsWhenItsCertificateIsRevokedOrItsPermissionWithdrawn() throws Exception {
        StreamEcho endpoint = new StreamEcho();
        server.addSocketEndpoint(endpoint, Map.of(SocketEndpoint.PATH_PROPERTY, "/watched",
                SocketEndpoint.AUDIENCE_PROPERTY, SocketEndpoint.USERS, SocketEndpoint.ACTION_PROPERTY, "exec",
                SocketEndpoint.VERB_PROPERTY, "watched"));
        access.allows.put("frank", List.of(Permission.parse("exec:lab:test:*")));
        KeyPairCertificate revoked = issue(Identity.Kind.USER, "frank");
        KeyPairCertificate kept = issue(Identity.Kind.USER, "frank");

        ClientListener first = new ClientListener();
        connect(TestClients.client(ca.caCertificate(), revoked), "/watched?server=web-1", first);
        ClientListener second = new ClientListener();
        connect(TestClients.client(ca.caCertificate(), kept), "/watched?server=web-1", second);
        assertEquals("web-1", endpoint.servers.poll(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals("web-1", endpoint.servers.poll(WAIT_SECONDS, TimeUnit.SECONDS));

        assertTrue(ca.revoke(revoked.certificate().getSerialNumber(), "test"));
        assertEquals(Api.ACCESS_REVOKED_CLOSE, first.closeCode.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertTrue(first.closeReason.get(WAIT_SECONDS, TimeUnit.SECONDS).contains("revoked"));
        assertEquals(Api.ACCESS_REVOKED_CLOSE, endpoint.closes.poll(WAIT_SECONDS, TimeUnit.SECONDS),
                "the endpoint stops its work at once");
        RecordingAuditTrail.Row cut = awaitRow("watched.close", "ended by labd: access revoked: certificate");
        assertEquals("denied", cut.result(), "the endpoint's own outcome does not hide why it ended");
        assertFalse(second.closeCode.isDone(), "the other certificate's stream stays open");

        access.allows.put("frank", List.of(Permission.parse("read:*:*:*")));
        assertEquals(Api.ACCESS_REVOKED_CLOSE, second.closeCode.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertTrue(second.closeReason.get(WAIT_SECONDS, TimeUnit.SECONDS)
                .contains("you may no longer exec on web-1"), second.closeReason.get());
        assertEquals("denied", awaitRow("watched.close", "access withdrawn: frank may no longer exec on web-1").result());
    }

    /** Waits for the newest audit row to have this action and an error containing the text (Jetty's thread writes it). */
    RecordingAuditTrail.Row awaitRow(String action, String error) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        RecordingAuditTrail.Row row = audit.last();
        while (!(action.equals(row.event().action()) && row.error() != null && row.error().contains(error))
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
            row = audit.last();
        }
        assertEquals(action, row.event().action());
        assertTrue(row.error() != null && row.error().contains(error), String.valueOf(row.error()));
        return row;
    }

    @Test
    void socketEndpointsWithoutADeclaredAudienceAreNotServed() throws Exception {
        RecordingSocketEndpoint undeclared = new RecordingSocketEndpoint();
        server.addSocketEndpoint(undeclared, Map.of(SocketEndpoint.PATH_PROPERTY, "/undeclared"));
        HttpClient agent = TestClients.client(ca.caCertificate(), issue(Identity.Kind.AGENT, "node-3"));
        CompletionException e = assertThrows(CompletionException.class, () -> agent.newWebSocketBuilder()
                .buildAsync(URI.create("wss://localhost:" + server.port() + "/ws/undeclared"), new ClientListener()).join());
        assertTrue(e.getCause() instanceof java.net.http.WebSocketHandshakeException, e.toString());
        assertEquals(404, ((java.net.http.WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
    }

    @Test
    void revokedCertificateIs401() throws Exception {
        KeyPairCertificate revoked = issue(Identity.Kind.USER, "admin");
        HttpClient client = TestClients.client(ca.caCertificate(), revoked);
        assertEquals(200, get(client, "/api/v1/test/whoami").statusCode(), "valid before revocation");
        assertTrue(ca.revoke(revoked.certificate().getSerialNumber(), "test"));
        JsonNode error = assertError(get(client, "/api/v1/test/whoami"), 401, "certificate_revoked");
        assertTrue(error.path("message").asText().contains("revoked"));
        // written by the refusal log's own thread: wait for it
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (audit.rows.stream().noneMatch(r -> r.error() != null && r.error().contains("certificate_revoked"))
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        RecordingAuditTrail.Row row = audit.rows.stream()
                .filter(r -> r.error() != null && r.error().contains("certificate_revoked")).findFirst().orElseThrow();
        assertEquals("denied", row.result(), "a refused certificate is an attempt on record");
        assertEquals("admin", row.event().user(), "the name of a revoked certificate of labd's CA, as --user finds it");
    }

    @Test
    void certificateWithAForeignSubjectIs401() throws Exception {
        HttpClient stranger = TestClients.client(ca.caCertificate(),
                ca.issueForSubject("CN=admin,OU=user,O=elsewhere", Duration.ofDays(1)));
        assertError(get(stranger, "/api/v1/test/whoami"), 401, "unknown_identity");
    }

    @Test
    void certificateFromAnotherCaIsNotPresentedByAStandardClientAnd401() throws Exception {
        TestCertificateAuthority other = new TestCertificateAuthority("some other CA");
        KeyPairCertificate foreignAdmin = other.issueWithNewKey(new Identity(Identity.Kind.USER, "admin"), Duration.ofDays(1));
        // the JDK key manager only offers certificates from the CAs the server names, so this arrives as "no certificate"
        HttpClient client = TestClients.client(ca.caCertificate(), foreignAdmin);
        assertError(get(client, "/api/v1/test/whoami"), 401, "client_certificate_required");
    }

    @Test
    void certificateFromAnotherCaForcedOnTheServerFailsTheHandshake() throws Exception {
        TestCertificateAuthority other = new TestCertificateAuthority("some other CA");
        KeyPairCertificate foreignAdmin = other.issueWithNewKey(new Identity(Identity.Kind.USER, "admin"), Duration.ofDays(1));
        HttpClient client = TestClients.forcingClient(ca.caCertificate(), foreignAdmin);
        // the server's trust manager rejects the chain: no HTTP response at all, for public routes too
        IOException failure = assertThrows(IOException.class, () -> get(client, "/api/v1/test/whoami"));
        // found by running it: the server aborts with a certificate_unknown alert
        assertTrue(hasCause(failure, SSLHandshakeException.class), describe(failure));
        assertThrows(IOException.class, () -> get(client, Api.HEALTH));
        // and the refusal is on record under the name the certificate claims, marked as not verified
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (audit.rows.stream().noneMatch(r -> "tls.handshake".equals(r.event().action()))
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        RecordingAuditTrail.Row row = audit.rows.stream().filter(r -> "tls.handshake".equals(r.event().action()))
                .findFirst().orElseThrow(() -> new AssertionError("no tls.handshake row: " + audit.rows));
        assertEquals("admin", row.event().user());
        assertEquals("denied", row.result());
        assertTrue(row.error().contains("NOT verified"), row.error());
    }

    static String describe(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(" <- ").append(c);
        }
        return b.toString();
    }

    static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    // ---- REST: bodies, errors, limits

    @Test
    void jsonRoundTrip() throws Exception {
        HttpResponse<String> response = post(adminClient, "/api/v1/test/echo",
                HttpRequest.BodyPublishers.ofString("{\"text\":\"hi\",\"number\":7}"));
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(Json.json().readTree("{\"text\":\"hi\",\"number\":7}"), Json.json().readTree(response.body()));
    }

    /** A misspelt field would otherwise be dropped and its default used: refused, naming it, and nothing runs. */
    @Test
    void anUnknownFieldIsRefusedNamingIt() throws Exception {
        int before = routes.changes.get();
        JsonNode error = assertError(post(adminClient, "/api/v1/test/echo",
                HttpRequest.BodyPublishers.ofString("{\"text\":\"hi\",\"numbr\":7}")), 400, "unknown_field");
        assertEquals("unknown field 'numbr' in the request body; remove it; the fields are number, text",
                error.path("message").asText());
        assertEquals(before, routes.changes.get());
    }

    @Test
    void invalidJsonIs400() throws Exception {
        JsonNode error = assertError(post(adminClient, "/api/v1/test/echo", HttpRequest.BodyPublishers.ofString("{\"text\": ")),
                400, "invalid_json");
        assertTrue(error.path("message").asText().startsWith("request body is not valid JSON (line 1, column"), error.toString());
    }

    /** Jackson's messages name Java types ("`int`", "java.lang.String"): each case is put in words instead. */
    @Test
    void badBodiesAreExplainedWithoutJavaNames() throws Exception {
        String[][] cases = {
                {"{\"text\":\"hi\",\"number\":\"seven\"}", "invalid_field", "field 'number' must be a number"},
                {"{\"text\":[\"hi\"]}", "invalid_field", "field 'text' must be a string"},
                {"[1]", "invalid_json", "the request body must be an object"},
                {"\"hi\"", "invalid_json", "the request body must be an object"},
                {"", "missing_body", "this request needs a JSON body; send a JSON object"},
                {"null", "missing_body", "this request needs a JSON body; send a JSON object"},
        };
        for (String[] c : cases) {
            JsonNode error = assertError(post(adminClient, "/api/v1/test/echo", HttpRequest.BodyPublishers.ofString(c[0])),
                    400, c[1]);
            assertEquals(c[2], error.path("message").asText(), c[0]);
        }
    }

    static byte[] oversizedJson() {
        char[] filler = new char[Api.MAX_BODY_BYTES + 1024];
        Arrays.fill(filler, 'a');
        return ("{\"text\":\"" + new String(filler) + "\",\"number\":1}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void oversizedBodyWithContentLengthIs413() throws Exception {
        JsonNode error = assertError(post(adminClient, "/api/v1/test/echo",
                HttpRequest.BodyPublishers.ofByteArray(oversizedJson())), 413, "body_too_large");
        assertTrue(error.path("message").asText().contains(String.valueOf(Api.MAX_BODY_BYTES)), error.toString());
    }

    @Test
    void aDeclaredBodyOfUpToTwiceTheLimitIsReadWholeSoThe413ArrivesInsteadOfAReset() throws Exception {
        char[] filler = new char[Api.MAX_BODY_BYTES * 19 / 10];
        Arrays.fill(filler, 'a');
        byte[] body = ("{\"text\":\"" + new String(filler) + "\"}").getBytes(StandardCharsets.UTF_8);
        // labd answers and closes; with unread bytes left the close is a reset that would take the 413 with it
        for (int i = 0; i < 5; i++) {
            assertError(post(TestClients.client(ca.caCertificate(), admin), "/api/v1/test/echo",
                    HttpRequest.BodyPublishers.ofByteArray(body)),
                    413, "body_too_large");
        }
    }

    @Test
    void oversizedChunkedBodyIs413() throws Exception {
        byte[] body = oversizedJson();
        // an input-stream publisher has no length, so the body goes chunked and only the counting stream can stop it
        assertError(post(adminClient, "/api/v1/test/echo",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))), 413, "body_too_large");
    }

    @Test
    void apiExceptionMapsToItsStatusAndShape() throws Exception {
        JsonNode error = assertError(get(adminClient, "/api/v1/test/conflict"), 409, "thing_busy");
        assertEquals("the thing is busy; try again in a minute", error.path("message").asText());
    }

    @Test
    void unexpectedExceptionIsA500WithoutDetails() throws Exception {
        HttpResponse<String> response = get(adminClient, "/api/v1/test/boom");
        JsonNode error = assertError(response, 500, "internal_error");
        assertFalse(response.body().contains("secret internal detail"), response.body());
        assertFalse(response.body().contains("IllegalStateException"), response.body());
        assertTrue(error.path("message").asText().contains(error.path("requestId").asText()));
    }

    @Test
    void unknownRoutesAre404InTheSameShape() throws Exception {
        assertError(get(adminClient, "/api/v1/nothing-here"), 404, "not_found");
        // anonymous callers cannot tell a missing route from a protected one
        assertError(get(anonymous, "/api/v1/nothing-here"), 401, "client_certificate_required");
        // answered by Jetty, not Jersey, alike
        assertError(get(anonymous, "/not-the-api"), 401, "client_certificate_required");
        assertError(get(adminClient, "/not-the-api"), 404, "not_found");
    }

    @Test
    void wrongMethodIs405InTheSameShape() throws Exception {
        assertError(post(adminClient, Api.HEALTH, HttpRequest.BodyPublishers.ofString("{}")), 405, "method_not_allowed");
    }

    @Test
    void oversizedHeadersAreRefused() throws Exception {
        char[] filler = new char[WebServer.MAX_REQUEST_HEADER_BYTES + 1];
        Arrays.fill(filler, 'x');
        HttpResponse<String> response = anonymous.send(HttpRequest.newBuilder(URI.create(base + Api.HEALTH))
                .header("X-Filler", new String(filler)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(431, response.statusCode(), response.body());
    }

    // ---- hot deploy

    @Test
    void addingAndRemovingAResourceAddsAndRemovesItsRoute() throws Exception {
        assertEquals(404, get(adminClient, "/api/v1/hot").statusCode());
        Object hot = new TestRoutes.HotRoute();
        server.addResource(hot);
        server.awaitReloads();
        HttpResponse<String> up = get(adminClient, "/api/v1/hot");
        assertEquals(200, up.statusCode(), up.body());
        assertEquals(401, get(anonymous, "/api/v1/hot").statusCode(), "a contributed route is guarded too");

        server.removeResource(hot);
        server.awaitReloads();
        assertError(get(adminClient, "/api/v1/hot"), 404, "not_found");
        assertEquals(200, get(adminClient, "/api/v1/test/whoami").statusCode(), "other routes stay");
    }

    @Test
    void aRequestInFlightWhenTheRoutesChangeEndsOnTheApplicationItStartedOn() throws Exception {
        TestRoutes.SlowRoute slow = new TestRoutes.SlowRoute();
        server.addResource(slow);
        server.awaitReloads();
        var pending = adminClient.sendAsync(HttpRequest.newBuilder(URI.create(base + "/api/v1/slow")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(slow.entered.await(10, TimeUnit.SECONDS), "premise: the request is being served");

        Object hot = new TestRoutes.HotRoute();
        server.addResource(hot); // a capability deployed meanwhile
        server.awaitReloads();
        assertEquals(200, get(adminClient, "/api/v1/hot").statusCode(), "new requests see the new routes");
        slow.release.countDown();
        HttpResponse<String> answered = pending.get(10, TimeUnit.SECONDS);
        assertEquals(200, answered.statusCode(), answered.body());
        assertEquals("{\"slow\":true}", answered.body());
        assertEquals(200, get(adminClient, "/api/v1/slow").statusCode());
        server.removeResource(hot);
        server.removeResource(slow);
        server.awaitReloads();
    }

    @Test
    void requestsArrivingWhileTheRoutesChangeAreAllServed() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean swapping = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicInteger served = new java.util.concurrent.atomic.AtomicInteger();
        Thread caller = new Thread(() -> {
            while (swapping.get()) {
                try {
                    HttpResponse<String> r = get(adminClient, "/api/v1/test/whoami");
                    if (r.statusCode() == 200) {
                        served.incrementAndGet();
                    } else {
                        failures.add(r.statusCode() + " " + r.body());
                    }
                } catch (Exception e) {
                    failures.add(e.toString());
                }
            }
        });
        caller.start();
        try {
            for (int i = 0; i < 6; i++) { // a capability deployed and removed, three times
                Object hot = new TestRoutes.HotRoute();
                server.addResource(hot);
                server.awaitReloads();
                server.removeResource(hot);
                server.awaitReloads();
            }
        } finally {
            swapping.set(false);
            caller.join(10_000);
        }
        assertTrue(served.get() > 0, "premise: requests ran during the swaps");
        assertEquals(List.of(), failures, "every request served (" + served.get() + " were)");
    }

    // ---- WebSocket

    /** Collects what a JDK WebSocket client receives. */
    static final class ClientListener implements WebSocket.Listener {
        final BlockingQueue<byte[]> binary = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        final CompletableFuture<String> closeReason = new CompletableFuture<>();
        private final java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            partial.writeBytes(bytes);
            if (last) {
                binary.add(partial.toByteArray());
                partial.reset();
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            closeReason.complete(reason);
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            closeCode.completeExceptionally(error);
        }
    }

    WebSocket connect(HttpClient client, String path, ClientListener listener) throws Exception {
        return client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(WAIT_SECONDS))
                .buildAsync(URI.create("wss://localhost:" + server.port() + "/ws" + path), listener)
                .get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    static int handshakeStatus(Exception e) {
        Throwable t = e instanceof ExecutionException || e instanceof CompletionException ? e.getCause() : e;
        WebSocketHandshakeException refused = assertInstanceOf(WebSocketHandshakeException.class, t, String.valueOf(t));
        return refused.getResponse().statusCode();
    }

    @Test
    void socketEndpointReceivesBinaryFramesFromAVerifiedPeer() throws Exception {
        RecordingSocketEndpoint frames = new RecordingSocketEndpoint();
        server.addSocketEndpoint(frames, Map.of(SocketEndpoint.PATH_PROPERTY, "/frames",
                SocketEndpoint.AUDIENCE_PROPERTY, SocketEndpoint.AGENTS));
        KeyPairCertificate agentKey = issue(Identity.Kind.AGENT, "node-ws");
        ClientListener listener = new ClientListener();
        WebSocket socket = connect(TestClients.client(ca.caCertificate(), agentKey), "/frames", listener);

        PeerPrincipal peer = frames.opened.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(peer);
        assertEquals(new Identity(Identity.Kind.AGENT, "node-ws"), peer.identity());
        assertEquals(agentKey.certificate(), peer.certificate());

        byte[] small = {1, 2, 3, 4, 5};
        socket.sendBinary(ByteBuffer.wrap(small), true).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertArrayEquals(small, frames.received.poll(WAIT_SECONDS, TimeUnit.SECONDS));
        assertArrayEquals(small, listener.binary.poll(WAIT_SECONDS, TimeUnit.SECONDS), "echoed back via SocketConnection");

        byte[] largest = new byte[Frame.MAX_FRAME];
        Arrays.fill(largest, (byte) 7);
        socket.sendBinary(ByteBuffer.wrap(largest), true).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertArrayEquals(largest, frames.received.poll(WAIT_SECONDS, TimeUnit.SECONDS), "a MAX_FRAME message is allowed");
        assertArrayEquals(largest, listener.binary.poll(WAIT_SECONDS, TimeUnit.SECONDS));

        socket.sendClose(1000, "bye").get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(1000, frames.closeCodes.poll(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void oversizedBinaryMessageClosesWith1009() throws Exception {
        RecordingSocketEndpoint endpoint = new RecordingSocketEndpoint();
        server.addSocketEndpoint(endpoint, Map.of(SocketEndpoint.PATH_PROPERTY, "/oversized",
                SocketEndpoint.AUDIENCE_PROPERTY, SocketEndpoint.AGENTS));
        ClientListener listener = new ClientListener();
        WebSocket socket = connect(TestClients.client(ca.caCertificate(), issue(Identity.Kind.AGENT, "node-big")),
                "/oversized", listener);
        socket.sendBinary(ByteBuffer.allocate(Frame.MAX_FRAME + 1), true).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(1009, listener.closeCode.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals(1009, endpoint.closeCodes.poll(WAIT_SECONDS, TimeUnit.SECONDS), "the endpoint learns why");
        assertTrue(endpoint.received.isEmpty(), "the oversized message never reached the endpoint");
    }

    @Test
    void socketUpgradeWithoutACertificateIs401() {
        Exception e = assertThrows(Exception.class, () -> connect(anonymous, "/echo", new ClientListener()));
        assertEquals(401, handshakeStatus(e));
    }

    @Test
    void usersCannotOpenAgentSockets() {
        Exception e = assertThrows(Exception.class, () -> connect(adminClient, "/echo", new ClientListener()));
        assertEquals(403, handshakeStatus(e));
    }

    @Test
    void socketUpgradeWithARevokedCertificateIs403() throws Exception {
        KeyPairCertificate revoked = issue(Identity.Kind.AGENT, "node-revoked");
        ca.revoke(revoked.certificate().getSerialNumber(), "test");
        Exception e = assertThrows(Exception.class,
                () -> connect(TestClients.client(ca.caCertificate(), revoked), "/echo", new ClientListener()));
        assertEquals(403, handshakeStatus(e));
    }

    @Test
    void socketUpgradeWithAForeignSubjectIs403() {
        HttpClient stranger = TestClients.client(ca.caCertificate(),
                ca.issueForSubject("CN=node,OU=robot,O=labctl", Duration.ofDays(1)));
        Exception e = assertThrows(Exception.class, () -> connect(stranger, "/echo", new ClientListener()));
        assertEquals(403, handshakeStatus(e));
    }

    @Test
    void socketPathWithoutAnEndpointIs404() {
        Exception e = assertThrows(Exception.class, () -> connect(adminClient, "/nobody-home", new ClientListener()));
        assertEquals(404, handshakeStatus(e));
    }

    @Test
    void endpointThatRefusesIs403() {
        SocketEndpoint refusing = new SocketEndpoint() { };
        server.addSocketEndpoint(refusing, Map.of(SocketEndpoint.PATH_PROPERTY, "refusing",
                SocketEndpoint.AUDIENCE_PROPERTY, SocketEndpoint.AGENTS));
        try {
            Exception e = assertThrows(Exception.class, () -> connect(agentClient(), "/refusing", new ClientListener()));
            assertEquals(403, handshakeStatus(e));
        } finally {
            server.removeSocketEndpoint(refusing, Map.of());
        }
    }

    @Test
    void removingAnEndpointStopsNewUpgradesButKeepsOpenConnections() throws Exception {
        RecordingSocketEndpoint temporary = new RecordingSocketEndpoint();
        Map<String, Object> properties = new HashMap<>(Map.of(SocketEndpoint.PATH_PROPERTY, "/temporary",
                SocketEndpoint.AUDIENCE_PROPERTY, SocketEndpoint.AGENTS));
        server.addSocketEndpoint(temporary, properties);
        ClientListener listener = new ClientListener();
        HttpClient agent = agentClient();
        WebSocket open = connect(agent, "/temporary", listener);
        assertNotNull(temporary.opened.poll(WAIT_SECONDS, TimeUnit.SECONDS));

        server.removeSocketEndpoint(temporary, properties);
        Exception e = assertThrows(Exception.class, () -> connect(agent, "/temporary", new ClientListener()));
        assertEquals(404, handshakeStatus(e));

        byte[] message = {9, 9};
        open.sendBinary(ByteBuffer.wrap(message), true).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertArrayEquals(message, listener.binary.poll(WAIT_SECONDS, TimeUnit.SECONDS), "the open connection still works");
        assertNull(temporary.closeCodes.poll(), "nothing was closed by the removal");
        open.sendClose(1000, "done").get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void resourceReloadKeepsWebSocketsOpen() throws Exception {
        ClientListener listener = new ClientListener();
        WebSocket socket = connect(agentClient(), "/echo", listener);
        Object hot = new TestRoutes.HotRoute();
        server.addResource(hot);
        server.awaitReloads();
        server.removeResource(hot);
        server.awaitReloads();
        byte[] message = {4, 2};
        socket.sendBinary(ByteBuffer.wrap(message), true).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertArrayEquals(message, listener.binary.poll(WAIT_SECONDS, TimeUnit.SECONDS));
        socket.sendClose(1000, "done").get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
}
