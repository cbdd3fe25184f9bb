package io.labctl.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.labctl.itests.support.Cli;
import io.labctl.itests.support.Csrs;
import io.labctl.itests.support.Labd;
import io.labctl.itests.support.Processes;
import io.labctl.itests.support.Tls;
import io.labctl.protocol.CapabilityInfo;
import io.labctl.protocol.CredentialBundle;
import io.labctl.protocol.EnrolRequest;
import io.labctl.protocol.Json;
import io.labctl.protocol.Pem;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.access.UserDetail;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Role-based access control end to end: a real labd on its embedded PostgreSQL, users created by the admin, each
 * driving the real CLI from their own configuration. Servers are enrolled over REST (no agent needs to run for a
 * permission to be decided on their records).
 *
 * <p>Servers: web-1 (baremetal/lab), db-1 (baremetal/prod), api-1 (aws/lab-aws: environment names are unique
 * across clouds, so the aws one has its own). Users and roles:
 * alice = lab-operator (exec and read on baremetal:lab); bob = viewer (read everything) + no-prod (deny *:*:prod:*);
 * carol = delegate (manage and read everywhere, no exec); dave = nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AccessControlIT {
    @TempDir
    static Path dir;
    static Labd labd;
    static Cli admin;
    static final Map<String, Cli> users = new java.util.HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        labd = Labd.install(dir.resolve("labd"), null).start();
        admin = cli("admin");
        admin.ok("config", "import", labd.adminBundle().toString());

        HttpClient anonymous = Tls.anonymous(labd.admin());
        enrol(anonymous, "web-1", "baremetal", "lab");
        enrol(anonymous, "db-1", "baremetal", "prod");
        enrol(anonymous, "api-1", "aws", "lab-aws");

        admin.ok("create", "role", "lab-operator", "--allow", "exec:baremetal:lab:*", "--allow", "read:baremetal:lab:*");
        admin.ok("create", "role", "no-prod", "--deny", "*:*:prod:*");
        admin.ok("create", "role", "delegate", "--allow", "manage:*:*:*", "--allow", "read:*:*:*");
        for (String name : List.of("alice", "bob", "carol", "dave")) {
            Path bundle = dir.resolve(name + ".labctl.yaml");
            admin.ok("create", "user", name, "--out", bundle.toString());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(bundle)));
            Cli cli = cli(name);
            cli.ok("config", "import", bundle.toString());
            users.put(name, cli);
        }
        admin.ok("bind", "role", "lab-operator", "--user", "alice");
        admin.ok("bind", "role", "viewer", "--user", "bob");
        admin.ok("bind", "role", "no-prod", "--user", "bob");
        admin.ok("bind", "role", "delegate", "--user", "carol");
    }

    @AfterAll
    static void stop() throws Exception {
        if (labd != null) {
            labd.close();
        }
    }

    static Cli cli(String name) throws Exception {
        return Cli.named(dir, name);
    }

    static void enrol(HttpClient anonymous, String name, String cloud, String env) throws Exception {
        admin.environments(env + ":" + cloud);
        String token = admin.ok("create", "token", "--server", name, "--cloud", cloud, "--env", env).strip();
        KeyPair key = Csrs.ecKey();
        byte[] body = Json.json().writeValueAsBytes(new EnrolRequest(token, name, Csrs.csr(name, key)));
        HttpResponse<String> r = anonymous.send(HttpRequest.newBuilder(URI.create(labd.url() + "/api/v1/enrol"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
    }

    static Processes.Result as(String user, String... args) throws Exception {
        return users.get(user).run(args);
    }

    /** The permission matrix: what labd answers each user's own can-i, and what really happens when they try. */
    @ParameterizedTest(name = "{0} {1} server/{2} -> {3}")
    @CsvSource({
            "alice, exec,   web-1, yes",
            "alice, exec,   db-1,  no",   // cross-environment
            "alice, exec,   api-1, no",   // cross-cloud
            "alice, read,   web-1, yes",
            "alice, read,   db-1,  no",
            "alice, manage, web-1, no",
            "bob,   read,   web-1, yes",
            "bob,   read,   api-1, yes",
            "bob,   read,   db-1,  no",   // deny beats allow
            "bob,   exec,   web-1, no",
            "carol, manage, db-1,  yes",
            "carol, read,   db-1,  yes",
            "carol, exec,   web-1, no",
            "dave,  read,   web-1, no",   // no role: deny by default
            "dave,  exec,   web-1, no",
    })
    @Order(1)
    void matrix(String user, String action, String server, String expected) throws Exception {
        Processes.Result canI = as(user, "auth", "can-i", action, "server/" + server);
        assertEquals(expected, canI.stdout().strip(), canI.toString());
        assertEquals(expected.equals("yes") ? 0 : 1, canI.exitCode(), canI.toString());
        if (action.equals("read")) {
            Processes.Result describe = as(user, "describe", "server/" + server);
            assertEquals(expected.equals("yes") ? 0 : 1, describe.exitCode(), describe.toString());
            if (expected.equals("no")) {
                assertTrue(describe.stderr().contains("may not read"), describe.stderr());
            }
        }
    }

    @Test
    @Order(2)
    void listingsShowOnlyWhatTheCallerMayRead() throws Exception {
        assertEquals(Set.of("web-1"), serverNames("alice"));
        assertEquals(Set.of("web-1", "api-1"), serverNames("bob"));
        assertEquals(Set.of("web-1", "db-1", "api-1"), serverNames("carol"));
        Processes.Result dave = as("dave", "get", "servers");
        assertEquals(1, dave.exitCode(), dave.toString());
    }

    static Set<String> serverNames(String user) throws Exception {
        List<ServerInfo> servers = Json.json().readValue(users.get(user).ok("get", "servers", "-o", "json"),
                new TypeReference<List<ServerInfo>>() {});
        return servers.stream().map(ServerInfo::name).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    @Order(3)
    void stateChangesNeedManageOnTheirScope() throws Exception {
        assertEquals(1, as("alice", "delete", "server/web-1").exitCode());
        assertEquals(1, as("alice", "create", "token", "--cloud", "baremetal", "--env", "lab").exitCode());
        Processes.Result token = as("carol", "create", "token", "--cloud", "baremetal", "--env", "lab");
        assertEquals(0, token.exitCode(), token.toString());
        assertTrue(admin.ok("describe", "server/web-1").contains("web-1"), "nothing was deleted");
    }

    @Test
    @Order(4)
    void nobodyGrantsWhatTheyDoNotHold() throws Exception {
        Processes.Result sneaky = as("carol", "create", "role", "sneaky", "--allow", "exec:*:*:*");
        assertEquals(1, sneaky.exitCode(), sneaky.toString());
        assertTrue(sneaky.stderr().contains("exec:*:*:*"), sneaky.stderr());
        assertFalse(admin.ok("get", "roles").contains("sneaky"));

        Processes.Result self = as("carol", "bind", "role", "viewer", "--user", "carol");
        assertEquals(1, self.exitCode(), self.toString());
        Processes.Result toAdmin = as("carol", "bind", "role", "admin", "--user", "dave");
        assertEquals(1, toAdmin.exitCode(), toAdmin.toString());
        Processes.Result liftDeny = as("carol", "unbind", "role", "no-prod", "--user", "bob");
        assertEquals(1, liftDeny.exitCode(), "removing a deny widens bob's access: " + liftDeny);

        // within what carol holds, she may delegate
        assertEquals(0, as("carol", "create", "role", "lab-readers", "--allow", "read:baremetal:lab:*").exitCode());
        assertEquals(0, as("carol", "bind", "role", "lab-readers", "--user", "dave").exitCode());
        assertEquals("yes", as("dave", "auth", "can-i", "read", "server/web-1").stdout().strip());
        assertEquals(0, as("dave", "describe", "server/web-1").exitCode());
        assertEquals(1, as("dave", "describe", "server/db-1").exitCode());
    }

    @Test
    @Order(5)
    void canIAsAnotherUserNeedsAdmin() throws Exception {
        Processes.Result r = as("alice", "auth", "can-i", "read", "server/web-1", "--as", "bob");
        assertFalse(r.exitCode() == 0, r.toString());
        assertTrue(r.stderr().contains("admin"), r.stderr());
        Processes.Result asAlice = admin.run("auth", "can-i", "exec", "server/web-1", "--as", "alice");
        assertEquals(0, asAlice.exitCode(), asAlice.toString());
        assertEquals("yes", asAlice.stdout().strip());
    }

    @Test
    @Order(6)
    void describeUserShowsEffectiveRulesDenyFirst() throws Exception {
        String bob = admin.ok("describe", "user/bob");
        assertTrue(bob.contains("*:*:prod:*") && bob.contains("read:*:*:*"), bob);
        assertTrue(bob.indexOf("*:*:prod:*") < bob.indexOf("read:*:*:*"), "deny rules come first:\n" + bob);
    }

    @Test
    @Order(7)
    void deniedAttemptsAreInTheAuditLog() throws Exception {
        List<AuditEntry> carol = Json.json().readValue(admin.ok("logs", "audit", "--user", "carol", "-o", "json"),
                new TypeReference<List<AuditEntry>>() {});
        assertTrue(carol.stream().anyMatch(e -> e.action().equals("role.create") && e.result().equals("denied")
                && e.error() != null && e.error().contains("exec:*:*:*")), carol.toString());
        assertTrue(carol.stream().anyMatch(e -> e.action().equals("role.bind") && e.result().equals("ok")));
        List<AuditEntry> dave = Json.json().readValue(admin.ok("logs", "audit", "--user", "dave", "--action", "server",
                "-o", "json"), new TypeReference<List<AuditEntry>>() {});
        assertTrue(dave.stream().anyMatch(e -> e.result().equals("denied")), dave.toString());
        assertTrue(dave.stream().allMatch(e -> e.action().startsWith("server")), dave.toString());

        // one CLI invocation is one session: its rows come back by the session handle
        AuditEntry one = dave.get(0);
        List<AuditEntry> session = Json.json().readValue(admin.ok("logs", "audit/" + one.session(), "-o", "json"),
                new TypeReference<List<AuditEntry>>() {});
        assertFalse(session.isEmpty());
        assertTrue(session.stream().allMatch(e -> e.sessionId().equals(one.sessionId())), session.toString());
        // no secret reaches a row: minted tokens are only ever named by id
        String all = admin.ok("logs", "audit", "--limit", "10000", "-o", "json");
        assertFalse(all.contains("lab1."), "a join token string is in the audit log");
    }

    @Test
    @Order(8)
    void anAgentCertificateNamedAdminIsStillAnAgent() throws Exception {
        String token = admin.ok("create", "token", "--server", "admin").strip();
        KeyPair key = Csrs.ecKey();
        byte[] body = Json.json().writeValueAsBytes(new EnrolRequest(token, "admin", Csrs.csr("admin", key)));
        HttpResponse<String> enrolled = Tls.anonymous(labd.admin()).send(HttpRequest.newBuilder(
                        URI.create(labd.url() + "/api/v1/enrol")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, enrolled.statusCode(), enrolled.body());
        String certificate = Json.json().readTree(enrolled.body()).path("certificate").asText();
        HttpClient agentNamedAdmin = Tls.client(Tls.context(Pem.certificate(labd.admin().caCertificate()),
                Pem.certificate(certificate), key.getPrivate()));
        HttpResponse<String> r = agentNamedAdmin.send(HttpRequest.newBuilder(URI.create(labd.url() + "/api/v1/servers"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, r.statusCode(), r.body());
    }

    @Test
    @Order(9)
    void aUserRenewsTheirCertificateOverANewKeyUntilTheyAreDeleted() throws Exception {
        Path bundle = dir.resolve("frank.labctl.yaml");
        admin.ok("create", "user", "frank", "--out", bundle.toString());
        admin.ok("bind", "role", "viewer", "--user", "frank");
        Cli frank = cli("frank");
        frank.ok("config", "import", bundle.toString());
        Path config = dir.resolve("cli-frank/config.yaml");
        CredentialBundle issued = CredentialBundle.read(bundle);

        String out = frank.ok("auth", "renew");
        assertTrue(out.contains("renewed the certificate of frank"), out);
        String renewedConfig = Files.readString(config);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
        assertFalse(renewedConfig.contains(issued.privateKey().strip().split("\n")[1]), "the old key is still in the config");
        assertFalse(renewedConfig.contains(issued.certificate().strip().split("\n")[1]), "the old certificate is still in the config");
        // the new certificate works, for the same user with the same lifetime
        assertEquals(0, frank.run("get", "servers").exitCode());
        assertTrue(frank.ok("auth", "whoami").contains("frank"));
        HttpResponse<String> described = Tls.client(labd.admin()).send(HttpRequest.newBuilder(
                URI.create(labd.url() + "/api/v1/users/frank")).GET().build(), HttpResponse.BodyHandlers.ofString());
        UserDetail detail = Json.json().readValue(described.body(), UserDetail.class);
        assertEquals(2, detail.certificates().size(), detail.toString());
        assertTrue(detail.certificates().stream().allMatch(c -> c.revokedAt() == null), detail.toString());
        UserDetail.Certificate first = detail.certificates().get(1);
        UserDetail.Certificate second = detail.certificates().get(0);
        assertEquals(Duration.between(first.notBefore(), first.notAfter()), Duration.between(second.notBefore(), second.notAfter()));
        // decided: the old certificate stays valid until it expires (a copy of the old bundle still works)
        Cli oldCopy = cli("frank-old");
        oldCopy.ok("config", "import", bundle.toString());
        assertEquals(0, oldCopy.run("get", "servers").exitCode());

        admin.ok("delete", "user/frank");
        Processes.Result refused = frank.run("auth", "renew");
        assertEquals(1, refused.exitCode(), refused.toString());
        assertTrue(refused.stderr().contains("revoked") && refused.stderr().contains("ask an admin"), refused.stderr());
        assertEquals(renewedConfig, Files.readString(config), "a refused renewal leaves the config as it was");
        assertEquals(1, oldCopy.run("auth", "renew").exitCode(), "the old certificate is revoked too");

        List<AuditEntry> rows = Json.json().readValue(admin.ok("logs", "audit", "--action", "auth.renew", "-o", "json"),
                new TypeReference<List<AuditEntry>>() {});
        assertTrue(rows.stream().anyMatch(r -> r.user().equals("frank") && r.result().equals(AuditEntry.OK)), rows.toString());
        assertEquals(2, rows.stream().filter(r -> r.user().contains("frank") && r.result().equals(AuditEntry.DENIED)).count(),
                rows.toString());
    }

    @Test
    @Order(9)
    void deletingAUserRevokesItsCertificateAtOnce() throws Exception {
        Path bundle = dir.resolve("erin.labctl.yaml");
        admin.ok("create", "user", "erin", "--out", bundle.toString());
        admin.ok("bind", "role", "viewer", "--user", "erin");
        Cli erin = cli("erin");
        erin.ok("config", "import", bundle.toString());
        assertEquals(0, erin.run("get", "servers").exitCode());
        admin.ok("delete", "user/erin");
        Processes.Result after = erin.run("get", "servers");
        assertEquals(1, after.exitCode(), after.toString());
        assertTrue(after.stderr().contains("revoked"), after.stderr());
        assertFalse(admin.ok("get", "users").contains("erin"));
    }

    @Test
    @Order(10)
    void editedAndDeletedAuditRowsAreFound() throws Exception {
        assertEquals(0, admin.run("logs", "audit", "--verify").exitCode(), "intact before tampering");
        try (Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + labd.dbPort + "/postgres",
                "postgres", "")) {
            String instance;
            long changed;
            String originalAction;
            try (Statement s = db.createStatement();
                 ResultSet rs = s.executeQuery("SELECT instance, seq, action FROM audit_log ORDER BY seq LIMIT 1 OFFSET 10")) {
                assertTrue(rs.next());
                instance = rs.getString(1);
                changed = rs.getLong(2);
                originalAction = rs.getString(3);
            }
            update(db, "UPDATE audit_log SET action = 'nothing.to.see' WHERE instance = ? AND seq = ?", instance, changed);
            Processes.Result edited = admin.run("logs", "audit", "--verify");
            assertEquals(1, edited.exitCode(), edited.toString());
            assertTrue(edited.stdout().contains("row " + changed), edited.stdout());

            try (PreparedStatement restore = db.prepareStatement(
                    "UPDATE audit_log SET action = ? WHERE instance = ? AND seq = ?")) {
                restore.setString(1, originalAction);
                restore.setString(2, instance);
                restore.setLong(3, changed);
                restore.executeUpdate();
            }
            assertEquals(0, admin.run("logs", "audit", "--verify").exitCode(), "restored row verifies again");

            long deleted = changed + 5;
            update(db, "DELETE FROM audit_log WHERE instance = ? AND seq = ?", instance, deleted);
            Processes.Result gap = admin.run("logs", "audit", "--verify");
            assertEquals(1, gap.exitCode(), gap.toString());
            assertTrue(gap.stdout().contains("row " + deleted), gap.stdout());
        }
    }

    static void update(Connection db, String sql, String instance, long seq) throws Exception {
        try (PreparedStatement s = db.prepareStatement(sql)) {
            s.setString(1, instance);
            s.setLong(2, seq);
            assertEquals(1, s.executeUpdate());
        }
    }

    // ---- bad input: request bodies, token lifetimes, refusals by deny rules

    static HttpResponse<String> adminPost(String path, String body) throws Exception {
        return Tls.client(labd.admin()).send(HttpRequest.newBuilder(URI.create(labd.url() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static List<String> tokenServers() throws Exception {
        return Json.json().readTree(admin.ok("get", "tokens", "-o", "json")).findValuesAsText("server");
    }

    @Test
    @Order(11)
    void aRequestBodyWithAnUnknownFieldIsRefusedNamingTheFieldAndNothingIsCreated() throws Exception {
        // "ttl" is not a field (ttlSeconds is): taken silently, it would mint a token that never expires
        HttpResponse<String> r = adminPost("/api/v1/tokens", "{\"server\":\"typo-1\",\"ttl\":\"1h\"}");
        assertEquals(400, r.statusCode(), r.body());
        com.fasterxml.jackson.databind.JsonNode error = Json.json().readTree(r.body());
        assertEquals("unknown_field", error.path("code").asText(), r.body());
        assertTrue(error.path("message").asText().contains("'ttl'"), r.body());
        assertTrue(error.path("message").asText().contains("ttlSeconds"), "names the fields there are: " + r.body());
        assertFalse(tokenServers().contains("typo-1"), "a token was minted");
        HttpResponse<String> role = adminPost("/api/v1/roles", "{\"name\":\"typo-role\",\"allow\":[\"read:*:*:*\"],\"denny\":[\"read:*:prod:*\"]}");
        assertEquals(400, role.statusCode(), role.body());
        assertTrue(role.body().contains("'denny'"), role.body());
        assertFalse(admin.ok("get", "roles").contains("typo-role"));
    }

    @Test
    @Order(12)
    void aTokenRequestWithoutTtlGetsTheDefaultAndNeverExpiringIsAskedForExplicitly() throws Exception {
        java.time.Instant before = java.time.Instant.now();
        HttpResponse<String> r = adminPost("/api/v1/tokens", "{\"server\":\"no-ttl-1\"}");
        assertEquals(201, r.statusCode(), r.body());
        String expires = Json.json().readTree(r.body()).path("info").path("expiresAt").asText(null);
        assertTrue(expires != null, "a token without ttl never expires: " + r.body());
        java.time.Duration left = java.time.Duration.between(before, java.time.Instant.parse(expires));
        assertTrue(left.compareTo(java.time.Duration.ofHours(24).minusMinutes(5)) > 0
                && left.compareTo(java.time.Duration.ofHours(24).plusMinutes(5)) < 0, "expires in " + left);

        Processes.Result never = admin.run("create", "token", "--server", "never-1", "--ttl", "never", "-o", "json");
        assertEquals(0, never.exitCode(), never.toString());
        assertTrue(Json.json().readTree(never.stdout()).path("info").path("expiresAt").isMissingNode(), never.stdout());
        assertTrue(never.stderr().contains("never expires"), never.stderr());
        Processes.Result defaulted = admin.run("create", "token", "--server", "default-1", "-o", "json");
        assertEquals(0, defaulted.exitCode(), defaulted.toString());
        assertFalse(Json.json().readTree(defaulted.stdout()).path("info").path("expiresAt").isMissingNode(), defaulted.stdout());
    }

    /** Each malformed body is a 400 in the one error shape, in words: no Java name, no stack trace, no 500. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "/api/v1/tokens | {\"ttlSeconds\":\"soon\"}       | 'ttlSeconds' must be a number",
            "/api/v1/tokens | {\"reusable\":\"maybe\"}        | 'reusable' must be true or false",
            "/api/v1/tokens | {\"labels\":{\"rack\":[1]}}     | 'labels.rack' must be a string",
            "/api/v1/tokens | [1,2]                           | must be an object",
            "/api/v1/tokens | {\"server\":                    | not valid JSON",
            "/api/v1/tokens | ''                              | needs a JSON body",
            "/api/v1/tokens | null                            | needs a JSON body",
            "/api/v1/roles  | {\"name\":\"r1\",\"allow\":\"read:*:*:*\"} | 'allow' must be a list",
            "/api/v1/roles  | {\"name\":\"r2\",\"allow\":[null]} | holds a null where a value is needed",
            "/api/v1/roles  | {}                              | ",
            "/api/v1/auth/can-i | {\"action\":[\"read\"]}       | 'action' must be a string",
            "/api/v1/users  | {}                              | ",
    })
    @Order(13)
    void malformedBodiesAreAnsweredInWordsNeverWithJavaNames(String path, String body, String expected) throws Exception {
        HttpResponse<String> r = adminPost(path, body == null ? "" : body);
        assertEquals(400, r.statusCode(), r.body());
        com.fasterxml.jackson.databind.JsonNode error = Json.json().readTree(r.body());
        String message = error.path("message").asText();
        assertFalse(error.path("code").asText().isEmpty() || message.isEmpty() || error.path("requestId").asText().isEmpty(),
                "the one error shape: " + r.body());
        assertFalse(java.util.regex.Pattern.compile("java\\.|jakarta\\.|io\\.labctl|com\\.fasterxml|Exception|`|\\bat [a-z]+\\.")
                .matcher(message).find(), "a Java name in: " + message);
        if (expected != null) {
            assertTrue(message.contains(expected), message);
        }
    }

    @Test
    @Order(14)
    void aRefusalByADenyRuleNamesItAndDoesNotSendTheUserForAnotherRole() throws Exception {
        // bob reads everything but prod: the deny rule of no-prod decides, and no other role could change that
        Processes.Result describe = as("bob", "describe", "server/db-1");
        assertEquals(1, describe.exitCode(), describe.toString());
        assertTrue(describe.stderr().contains("deny rule *:*:prod:* of role no-prod"), describe.stderr());
        assertTrue(describe.stderr().contains("only an admin who can change role no-prod"), describe.stderr());
        assertFalse(describe.stderr().contains("for a role that allows"), describe.stderr());
        // the same on a stream's upgrade (exec): the WebSocket route words its refusals alike
        Processes.Result exec = as("bob", "exec", "server/db-1", "--", "true");
        assertFalse(exec.exitCode() == 0, exec.toString());
        assertTrue(exec.stderr().contains("deny rule *:*:prod:* of role no-prod"), exec.stderr());
        assertFalse(exec.stderr().contains("for a role that allows"), exec.stderr());
        // no allow at all: then another role is the fix
        Processes.Result nothing = as("dave", "describe", "server/api-1");
        assertEquals(1, nothing.exitCode(), nothing.toString());
        assertTrue(nothing.stderr().contains("ask an admin for a role that allows"), nothing.stderr());
    }

    /** labd's capabilities as 'labctl system features' lists them: every one active here; read everywhere needed. */
    @Test
    @Order(15)
    void systemFeaturesListsEveryCapabilityForThoseWhoReadEverything() throws Exception {
        List<CapabilityInfo> all = Json.json().readValue(admin.ok("system", "features", "-o", "json"),
                new TypeReference<List<CapabilityInfo>>() {});
        Map<String, CapabilityInfo> byName = all.stream().collect(Collectors.toMap(CapabilityInfo::name, c -> c));
        assertTrue(byName.keySet().containsAll(Set.of("labd-persistence", "labd-web", "labd-tokens", "labd-registry",
                "labd-rbac", "labd-audit", "labd-ca", "labd-provisioning", "labd-system")), byName.keySet().toString());
        for (CapabilityInfo c : all) {
            assertEquals("active", c.state(), c.toString());
            assertEquals(null, c.reason(), c.toString());
        }
        for (String schema : List.of("tokens", "registry", "rbac", "audit", "ca", "provisioning")) {
            CapabilityInfo c = byName.get("labd-" + schema);
            assertEquals(schema, c.schema(), c.toString());
            assertEquals(schema.equals("provisioning") ? "2" : "1", c.schemaVersion(), c.toString());
        }
        assertEquals(null, byName.get("labd-web").schema(), "web owns no tables");
        String table = admin.ok("system", "features");
        assertTrue(table.lines().findFirst().orElse("").matches("NAME +VERSION +STATE +SCHEMA +REASON"), table);
        assertTrue(table.lines().anyMatch(l -> l.matches("labd-rbac +\\S+ +active +rbac v1 +<none>")), table);

        assertEquals(0, as("carol", "system", "features").exitCode(), "read:*:*:* is enough");
        Processes.Result alice = as("alice", "system", "features");
        assertEquals(1, alice.exitCode(), alice.toString());
        assertTrue(alice.stderr().contains("read:*:*:*"), alice.stderr());
        List<AuditEntry> refused = Json.json().readValue(admin.ok("logs", "audit", "--user", "alice", "--action",
                "system.features", "-o", "json"), new TypeReference<List<AuditEntry>>() {});
        assertTrue(refused.stream().anyMatch(e -> e.result().equals("denied")), refused.toString());
    }
}
