package io.labctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.cli.cmd.CreateCommand;
import io.labctl.cli.testsupport.TestCli;
import io.labctl.cli.testsupport.TestLabd;
import io.labctl.cli.testsupport.TestPki;
import io.labctl.protocol.Api;
import io.labctl.protocol.ApiError;
import io.labctl.protocol.CredentialBundle;
import io.labctl.protocol.Json;
import io.labctl.protocol.access.AccessReview;
import io.labctl.protocol.access.AccessReviewResult;
import io.labctl.protocol.access.AuditVerification;
import io.labctl.protocol.access.IssuedUser;
import io.labctl.protocol.access.RoleInfo;
import io.labctl.protocol.access.RoleSpec;
import io.labctl.protocol.access.UserInfo;
import io.labctl.protocol.access.UserSpec;
import io.labctl.protocol.access.WhoAmI;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** users, roles, permissions, bindings, auth and logs against the stand-in labd over real mutual TLS. */
class AccessCommandsTest {
    @TempDir
    Path home;
    TestLabd labd;
    TestCli cli;

    @BeforeEach
    void start() throws Exception {
        labd = new TestLabd(TestPki.get());
        cli = new TestCli(home).withContext(TestPki.get(), labd.url());
    }

    @AfterEach
    void stop() {
        labd.close();
    }

    // ---- get

    @Test
    void getUsersRolesAndPermissionsBothSpellings() throws Exception {
        labd.on("GET", Api.USERS, 200, List.of(Samples.alice(), Samples.bob()));
        labd.on("GET", Api.ROLES, 200, List.of(Samples.admin(), Samples.labOperator()));
        labd.on("GET", Api.PERMISSIONS, 200, Samples.rules());

        TestCli.Result users = cli.run("get", "users");
        assertEquals(0, users.code(), users.toString());
        assertTrue(users.out().startsWith("NAME    ROLES                 AGE   CREATED-BY\n"), users.out());
        assertEquals(users.out(), cli.run("get", "user").out());

        TestCli.Result roles = cli.run("get", "role", "-o", "wide");
        assertEquals(0, roles.code(), roles.toString());
        assertTrue(roles.out().contains("runs commands in the lab"), roles.out());

        TestCli.Result perms = cli.run("get", "permissions");
        assertEquals(0, perms.code(), perms.toString());
        assertTrue(perms.out().startsWith("ROLE           EFFECT   PERMISSION\n"), perms.out());
        assertEquals(List.of(Api.USERS, Api.USERS, Api.ROLES, Api.PERMISSIONS),
                labd.requests.stream().map(TestLabd.Recorded::path).toList());
    }

    @Test
    void getJsonAndYamlPrintTheWireObjects() throws Exception {
        labd.on("GET", Api.ROLES, 200, List.of(Samples.labOperator()));
        TestCli.Result json = cli.run("get", "roles", "-o", "json");
        assertEquals(0, json.code(), json.toString());
        assertEquals(List.of(Samples.labOperator()), List.of(Json.json().readValue(json.out(), RoleInfo[].class)));
        TestCli.Result yaml = cli.run("get", "roles", "-o", "yaml");
        assertEquals(List.of(Samples.labOperator()), List.of(Json.yaml().readValue(yaml.out(), RoleInfo[].class)));
    }

    @Test
    void emptyUserListGoesToStderr() {
        labd.on("GET", Api.USERS, 200, List.of());
        TestCli.Result r = cli.run("get", "users");
        assertEquals(0, r.code());
        assertEquals("", r.out());
        assertEquals("No users found.\n", r.err());
    }

    // ---- create role

    @Test
    void createRoleSendsCanonicalRules() throws Exception {
        labd.on("POST", Api.ROLES, 201, Samples.labOperator());
        TestCli.Result r = cli.run("create", "role", "lab-operator", "--allow", "EXEC:baremetal:lab:*", "--allow",
                "read:*:lab:*", "--deny", " exec:baremetal:lab:db-1 ", "--description", "runs commands in the lab");
        assertEquals(0, r.code(), r.toString());
        assertEquals("role/lab-operator created\n", r.out());
        RoleSpec sent = Json.json().readValue(labd.requests.get(0).body(), RoleSpec.class);
        assertEquals(new RoleSpec("lab-operator", "runs commands in the lab",
                List.of("exec:baremetal:lab:*", "read:*:lab:*"), List.of("exec:baremetal:lab:db-1")), sent);
    }

    @Test
    void createRoleWithABadPermissionIsExit2AndAsksNothing() {
        TestCli.Result segments = cli.run("create", "role", "ops", "--allow", "exec:lab:*");
        assertEquals(2, segments.code(), segments.toString());
        assertTrue(segments.err().startsWith("error: permission 'exec:lab:*' has 3 segment(s)"), segments.err());

        TestCli.Result action = cli.run("create", "role", "ops", "--allow", "read:*:*:*", "--deny", "frob:*:*:*");
        assertEquals(2, action.code(), action.toString());
        assertTrue(action.err().startsWith("error: permission 'frob:*:*:*': unknown action 'frob'"), action.err());

        TestCli.Result upper = cli.run("create", "role", "ops", "--allow", "read:AWS:*:*");
        assertEquals(2, upper.code(), upper.toString());
        assertTrue(upper.err().contains("cloud segment 'AWS'"), upper.err());

        TestCli.Result none = cli.run("create", "role", "ops");
        assertEquals(2, none.code(), none.toString());
        assertTrue(none.err().contains("at least one rule"), none.err());

        TestCli.Result name = cli.run("create", "role", "Ops!", "--allow", "read:*:*:*");
        assertEquals(2, name.code(), name.toString());
        assertTrue(name.err().contains("role name 'Ops!' is not valid"), name.err());
        assertEquals(List.of(), labd.requests);
    }

    @Test
    void labdRefusingARoleIsExit1() {
        labd.on("POST", Api.ROLES, 409, new ApiError("conflict", "role 'ops' already exists", "r-1"));
        TestCli.Result r = cli.run("create", "role", "ops", "--allow", "read:*:*:*");
        assertEquals(1, r.code(), r.toString());
        assertEquals("error: role 'ops' already exists\n", r.err());
    }

    // ---- create user

    /** labd's answer; the test PKI's client key stands in for the new user's, so the bundle really imports. */
    private static IssuedUser issued(String name) throws Exception {
        return new IssuedUser(new UserInfo(name, List.of(), TestCli.NOW, "admin"), "https://labd.example:8443",
                TestPki.get().caPem, TestPki.get().clientCertPem, key(), TestCli.NOW.plus(Duration.ofDays(30)));
    }

    private static String key() throws Exception {
        return TestPki.get().clientKeyPem;
    }

    @Test
    void createUserWritesAnOwnerOnlyBundleAndNeverPrintsTheKey() throws Exception {
        labd.on("POST", Api.USERS, 201, issued("alice"));
        Path out = home.resolve("handover").resolve("alice.yaml");
        TestCli.Result r = cli.run("create", "user", "alice", "--out", out.toString(), "--days", "30");
        assertEquals(0, r.code(), r.toString());
        assertEquals("user/alice created\n", r.out());
        assertTrue(r.err().contains("written to " + out), r.err());
        assertTrue(r.err().contains("labctl config import " + out), r.err());
        assertFalse(r.out().contains("PRIVATE KEY") || r.err().contains("PRIVATE KEY"), r.toString());

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
        CredentialBundle b = CredentialBundle.read(out);
        assertEquals(CredentialBundle.of("https://labd.example:8443", "alice", TestPki.get().caPem,
                TestPki.get().clientCertPem, key()), b);
        assertEquals(new UserSpec("alice", 30), Json.json().readValue(labd.requests.get(0).body(), UserSpec.class));

        // what the new user does with it
        TestCli.Result imported = cli.run("config", "import", out.toString(), "--no-switch");
        assertEquals(0, imported.code(), imported.toString());
        assertTrue(imported.out().contains("user alice"), imported.out());
    }

    @Test
    void createUserJsonLeavesTheKeyOut() throws Exception {
        labd.on("POST", Api.USERS, 201, issued("bob"));
        Path out = home.resolve("bob.yaml");
        TestCli.Result r = cli.run("create", "user", "bob", "--out", out.toString(), "-o", "json");
        assertEquals(0, r.code(), r.toString());
        IssuedUser shown = Json.json().readValue(r.out(), IssuedUser.class);
        assertEquals("bob", shown.user().name());
        assertNull(shown.privateKey());
        assertFalse(r.out().contains("privateKey"), r.out());
        assertEquals(key(), CredentialBundle.read(out).privateKey());
    }

    @Test
    void createUserRefusesToOverwriteBeforeAskingLabd() throws Exception {
        labd.on("POST", Api.USERS, 201, issued("alice"));
        Path out = home.resolve("alice.labctl.yaml");
        Files.writeString(out, "precious\n");
        TestCli.Result r = cli.run("create", "user", "alice", "--out", out.toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains(out + " already exists; add --force"), r.err());
        assertEquals("precious\n", Files.readString(out));
        assertEquals(List.of(), labd.requests);

        TestCli.Result forced = cli.run("create", "user", "alice", "--out", out.toString(), "--force");
        assertEquals(0, forced.code(), forced.toString());
        assertEquals(key(), CredentialBundle.read(out).privateKey());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
    }

    @Test
    void createUserChecksTheDirectoryBeforeAskingLabd() throws Exception {
        Path notADir = Files.writeString(home.resolve("plain-file"), "x");
        TestCli.Result r = cli.run("create", "user", "alice", "--out", notADir.resolve("alice.yaml").toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().startsWith("error: cannot write " + notADir.resolve("alice.yaml") + ": " + notADir
                + " is not a directory"), r.err());

        TestCli.Result dir = cli.run("create", "user", "alice", "--out", home.toString());
        assertEquals(2, dir.code(), dir.toString());
        assertTrue(dir.err().contains("is a directory"), dir.err());

        TestCli.Result days = cli.run("create", "user", "alice", "--out", home.resolve("a.yaml").toString(), "--days", "0");
        assertEquals(2, days.code(), days.toString());
        TestCli.Result name = cli.run("create", "user", "Alice Smith", "--out", home.resolve("a.yaml").toString());
        assertEquals(2, name.code(), name.toString());
        assertEquals(List.of(), labd.requests);
        assertEquals(List.of("plain-file"), fileNames(home).stream().filter(n -> !n.equals(".labctl")).toList());
    }

    @Test
    void defaultBundleFileIsNamedAfterTheUser() {
        assertEquals(Path.of("alice.labctl.yaml"), CreateCommand.defaultBundleFile("alice"));
    }

    private static List<String> fileNames(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    // ---- delete, bind, unbind, describe

    @Test
    void deleteUserAndRole() {
        labd.on("DELETE", Api.USERS + "/alice", 204, null);
        labd.on("DELETE", Api.ROLES + "/ops", 204, null);
        TestCli.Result r = cli.run("delete", "user/alice", "role/ops");
        assertEquals(0, r.code(), r.toString());
        assertEquals("user/alice deleted\nrole/ops deleted\n", r.out());
        TestCli.Result bad = cli.run("delete", "user/Bad_Name");
        assertEquals(2, bad.code(), bad.toString());
        assertEquals(2, labd.requests.size());
    }

    @Test
    void bindAndUnbind() {
        labd.on("PUT", Api.ROLES + "/viewer/users/alice", 204, null);
        labd.on("PUT", Api.ROLES + "/viewer/users/bob", 204, null);
        labd.on("DELETE", Api.ROLES + "/viewer/users/bob", 204, null);
        TestCli.Result bind = cli.run("bind", "role", "viewer", "--user", "alice", "--user", "bob");
        assertEquals(0, bind.code(), bind.toString());
        assertEquals("role/viewer bound to user/alice\nrole/viewer bound to user/bob\n", bind.out());
        TestCli.Result unbind = cli.run("unbind", "role", "viewer", "--user", "bob");
        assertEquals(0, unbind.code(), unbind.toString());
        assertEquals("role/viewer unbound from user/bob\n", unbind.out());
        assertEquals(List.of("PUT", "PUT", "DELETE"), labd.requests.stream().map(TestLabd.Recorded::method).toList());

        assertEquals(2, cli.run("bind", "role", "viewer").code());
        assertEquals(2, cli.run("bind", "viewer", "--user", "alice").code());
        assertEquals(3, labd.requests.size());
    }

    @Test
    void describeUser() {
        labd.on("GET", Api.USERS + "/alice", 200, Samples.aliceDetail());
        TestCli.Result r = cli.run("describe", "user/alice");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().startsWith("Name:        alice\n"), r.out());
        assertTrue(r.out().contains("  deny     exec:baremetal:lab:db-1"), r.out());
        assertEquals(r.out(), cli.run("describe", "user", "alice").out());
    }

    // ---- auth

    @Test
    void canIExitCodesFollowTheAnswer() throws Exception {
        labd.on("POST", Api.CAN_I, 200, new AccessReviewResult(true, "admin", "exec:baremetal:lab:web-1", "allow rule admin:*:*:*"));
        TestCli.Result yes = cli.run("auth", "can-i", "exec", "server/web-1");
        assertEquals(0, yes.code(), yes.toString());
        assertEquals("yes\n", yes.out());
        assertEquals(new AccessReview("exec", "server/web-1", null),
                Json.json().readValue(labd.requests.get(0).body(), AccessReview.class));

        labd.on("POST", Api.CAN_I, 200, new AccessReviewResult(false, "alice", "destroy:*:*:*", "no allow rule"));
        TestCli.Result no = cli.run("auth", "can-i", "destroy", "*", "--as", "alice", "-v");
        assertEquals(1, no.code(), no.toString());
        assertEquals("no\nUser:        alice\nPermission:  destroy:*:*:*\nReason:      no allow rule\n", no.out());
        assertEquals("", no.err());
        assertEquals(new AccessReview("destroy", "*:*:*", "alice"),
                Json.json().readValue(labd.requests.get(1).body(), AccessReview.class));

        TestCli.Result json = cli.run("auth", "can-i", "destroy", "aws:prod:*", "-o", "json");
        assertEquals(1, json.code(), json.toString());
        assertFalse(Json.json().readValue(json.out(), AccessReviewResult.class).allowed());
        assertEquals("aws:prod:*", Json.json().readValue(labd.requests.get(2).body(), AccessReview.class).resource());
    }

    @Test
    void canIUsageErrorsAreExit2() {
        assertEquals(2, cli.run("auth", "can-i", "frob", "server/web-1").code());
        assertEquals(2, cli.run("auth", "can-i", "exec", "server/Web_1").code());
        assertEquals(2, cli.run("auth", "can-i", "exec", "lab:*").code());
        assertEquals(2, cli.run("auth", "can-i", "exec", "aws:PROD:*").code());
        assertEquals(2, cli.run("auth", "can-i", "exec").code());
        assertEquals(2, cli.run("auth", "can-i", "exec", "*", "--as", "Not A User").code());
        assertEquals(List.of(), labd.requests);
    }

    @Test
    void canIWithLabdUnreachableIs255() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        TestCli.Result r = new TestCli(home).withContext(TestPki.get(), "https://127.0.0.1:" + port)
                .run("auth", "can-i", "exec", "server/web-1");
        assertEquals(255, r.code(), r.toString());
        assertEquals("", r.out());
    }

    @Test
    void whoami() throws Exception {
        labd.on("GET", Api.WHOAMI, 200, new WhoAmI("user", "admin", List.of("admin")));
        TestCli.Result r = cli.run("auth", "whoami");
        assertEquals(0, r.code(), r.toString());
        assertEquals("NAME    KIND   ROLES\nadmin   user   admin\n", r.out());
        TestCli.Result json = cli.run("auth", "whoami", "-o", "json");
        assertEquals(new WhoAmI("user", "admin", List.of("admin")), Json.json().readValue(json.out(), WhoAmI.class));
    }

    // ---- logs

    @Test
    void logsAuditSendsTheFiltersAndPrintsATable() {
        labd.on("GET", Api.AUDIT, 200, Samples.audit());
        TestCli.Result r = cli.run("logs", "audit", "--user", "alice", "--action", "exec", "--since", "1h ago",
                "--limit", "50");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().startsWith("TIME                   USER    SESSION"), r.out());
        assertEquals("user=alice&action=exec&since=2025-06-01T11:00:00Z&limit=50",
                URLDecoder.decode(labd.requests.get(0).query(), StandardCharsets.UTF_8));

        assertEquals(0, cli.run("logs", "audit", "--since", "2025-05-31").code());
        assertEquals("since=2025-05-31T00:00:00Z", URLDecoder.decode(labd.requests.get(1).query(), StandardCharsets.UTF_8));
        assertEquals(0, cli.run("logs", "audit").code());
        assertNull(labd.requests.get(2).query());
    }

    @Test
    void logsAuditOfOneSession() {
        labd.on("GET", Api.AUDIT, 200, Samples.audit().subList(0, 2));
        TestCli.Result slash = cli.run("logs", "audit/alice-20250601-3f9a2c71");
        assertEquals(0, slash.code(), slash.toString());
        assertEquals("session=alice-20250601-3f9a2c71", labd.requests.get(0).query());
        TestCli.Result space = cli.run("logs", "audit", "alice-20250601-3f9a2c71");
        assertEquals(slash.out(), space.out());

        TestCli.Result bad = cli.run("logs", "audit/3f9a2c71");
        assertEquals(2, bad.code(), bad.toString());
        assertTrue(bad.err().contains("is not a session handle"), bad.err());
        assertEquals(2, labd.requests.size());
    }

    @Test
    void logsUsageErrorsAreExit2AndAskNothing() {
        TestCli.Result since = cli.run("logs", "audit", "--since", "last tuesday");
        assertEquals(2, since.code(), since.toString());
        assertTrue(since.err().startsWith("error: --since 'last tuesday' is not a time"), since.err());
        assertEquals(2, cli.run("logs", "audit", "--limit", "0").code());
        assertEquals(2, cli.run("logs", "audit", "-o", "xml").code());
        assertEquals(2, cli.run("logs").code());
        TestCli.Result unknown = cli.run("logs", "pods/x");
        assertEquals(2, unknown.code(), unknown.toString());
        assertTrue(unknown.err().contains("unknown log type 'pods'"), unknown.err());
        TestCli.Result server = cli.run("logs", "server/web-1", "--user", "alice");
        assertEquals(2, server.code(), server.toString());
        assertTrue(server.err().contains("--user: only for the audit log"), server.err());
        TestCli.Result follow = cli.run("logs", "audit", "-f");
        assertEquals(2, follow.code(), follow.toString());
        assertTrue(follow.err().contains("-f: only for server/NAME and agent/NAME logs"), follow.err());
        assertEquals(2, cli.run("logs", "audit", "--verify", "--user", "alice").code());
        TestCli.Result emptyUser = cli.run("logs", "audit", "--user", "");
        assertEquals(2, emptyUser.code(), emptyUser.toString());
        assertTrue(emptyUser.err().contains("--user is empty"), emptyUser.err());
        assertEquals(2, cli.run("logs", "audit", "--action", " ").code());
        assertEquals(List.of(), labd.requests);
    }

    @Test
    void logsAuditVerify() throws Exception {
        labd.on("GET", Api.AUDIT_VERIFY, 200, new AuditVerification(true, 1234, 2, null, null, null));
        TestCli.Result ok = cli.run("logs", "audit", "--verify");
        assertEquals(0, ok.code(), ok.toString());
        assertEquals("audit log intact: 1234 rows in 2 chains\n", ok.out());

        labd.on("GET", Api.AUDIT_VERIFY, 200, new AuditVerification(false, 40, 1, "labd-1", 17L, "hash mismatch"));
        TestCli.Result broken = cli.run("logs", "audit", "--verify");
        assertEquals(1, broken.code(), broken.toString());
        assertEquals("audit log BROKEN at labd-1 row 17: hash mismatch\n", broken.out());
        TestCli.Result json = cli.run("logs", "audit", "--verify", "-o", "json");
        assertEquals(1, json.code());
        assertEquals(17L, Json.json().readValue(json.out(), AuditVerification.class).seq());
    }

    // ---- every request

    @Test
    void everyRequestCarriesTheSessionHeader() {
        labd.on("GET", Api.USERS, 200, List.of());
        labd.on("GET", Api.SERVERS, 200, List.of());
        labd.on("POST", Api.CAN_I, 200, new AccessReviewResult(true, "admin", "read:*:*:*", "ok"));
        List<String> sessions = List.of(cli.run("get", "users").session(), cli.run("get", "servers").session(),
                cli.run("auth", "can-i", "read", "*").session());
        assertEquals(3, labd.requests.size());
        for (int i = 0; i < 3; i++) {
            TestLabd.Recorded r = labd.requests.get(i);
            assertTrue(r.session() != null && r.session().matches("[0-9a-f]{8}"), String.valueOf(r.session()));
            assertEquals(sessions.get(i), r.session());
        }
        // one id per invocation, not per process: a labctl session serves many invocations from one JVM
        assertEquals(3, Set.copyOf(sessions).size(), sessions.toString());
    }

    @Test
    void completionCoversTheNewVerbs() {
        String script = cli.run("completion", "bash").out();
        for (String verb : List.of("bind role", "unbind role", "auth can-i", "auth whoami", "logs", "get users",
                "get roles", "get permissions", "create role", "create user")) {
            assertTrue(script.contains(verb), verb);
        }
        assertTrue(script.contains("kubectl"), "can-i completes the actions");
        assertTrue(script.contains("audit"), "logs completes the log types");
    }
}
