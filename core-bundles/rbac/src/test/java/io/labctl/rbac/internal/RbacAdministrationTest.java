package io.labctl.rbac.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.persistence.Database;
import io.labctl.persistence.internal.TestDatabases;
import io.labctl.protocol.Pem;
import io.labctl.protocol.access.AccessReviewResult;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.EffectiveRule;
import io.labctl.protocol.access.IssuedUser;
import io.labctl.protocol.access.Permission;
import io.labctl.protocol.access.RoleInfo;
import io.labctl.protocol.access.RoleSpec;
import io.labctl.protocol.access.UserDetail;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access decisions and administration against a real PostgreSQL: two instances (A and B) share one database, as two
 * labd instances do.
 */
class RbacAdministrationTest {
    /** One labd instance's access control: its decisions and its administration, over one snapshot. */
    record Instance(RbacDecisions decisions, RbacAdministration admin) {
        static Instance start(Database db, InMemoryCertificateAuthority ca, FixedServerRegistry servers,
                              RbacConfig config) {
            RbacDecisions decisions = new RbacDecisions(db, TestDatabases.schema(db, "rbac"), servers, config);
            return new Instance(decisions, new RbacAdministration(db, ca, decisions, config));
        }
    }

    static final Identity ADMIN = user("admin");
    static final String URL = "https://labd.example:8443";
    @TempDir
    static Path dir;
    static Database db;
    static InMemoryCertificateAuthority ca;
    static FixedServerRegistry servers;
    static Instance a;
    static Instance b;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabases.start(dir.resolve("pg"));
        ca = new InMemoryCertificateAuthority();
        servers = new FixedServerRegistry().add("web1", "aws", "lab").add("db9", "aws", "prod");
        // both instances start at once on an empty schema, as two labd instances may
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<Instance>> started = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            started.add(pool.submit((Callable<Instance>) () -> Instance.start(db, ca, servers, TestSetup.config(1, 90))));
        }
        a = started.get(0).get();
        b = started.get(1).get();
        pool.shutdown();
    }

    @AfterAll
    static void stop() throws Exception {
        if (a != null) {
            a.decisions().deactivate();
        }
        if (b != null) {
            b.decisions().deactivate();
        }
        TestDatabases.stop(db);
    }

    static Identity user(String name) {
        return new Identity(Identity.Kind.USER, name);
    }

    static RoleSpec allowing(String name, String... allow) {
        return new RoleSpec(name, null, List.of(allow), List.of());
    }

    static ApiException refused(int status, Executable call) {
        ApiException e = assertThrows(ApiException.class, call);
        assertEquals(status, e.status(), e.getMessage());
        return e;
    }

    static long count(String sql, Object... args) throws Exception {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void bootstrapCreatesBuiltinsOnceEvenWhenInstancesStartTogether() throws Exception {
        long generation = count("SELECT generation FROM rbac_generation WHERE id = 1");
        Instance third = Instance.start(db, ca, servers, TestSetup.config(2, 90));
        third.decisions().deactivate();
        assertEquals(generation, count("SELECT generation FROM rbac_generation WHERE id = 1"), "a restart changes nothing");
        assertEquals(1, count("SELECT count(*) FROM roles WHERE name = 'admin' AND builtin"));
        assertEquals(1, count("SELECT count(*) FROM roles WHERE name = 'viewer' AND builtin"));
        assertEquals(1, count("SELECT count(*) FROM permissions p JOIN roles r ON r.id = p.role_id WHERE r.name = 'admin'"
                + " AND p.effect = 'allow' AND p.permission = 'admin:*:*:*'"));
        assertEquals(1, count("SELECT count(*) FROM permissions p JOIN roles r ON r.id = p.role_id WHERE r.name = 'viewer'"));
        assertEquals(1, count("SELECT count(*) FROM users WHERE username = 'admin'"));
        assertEquals(1, count("SELECT count(*) FROM user_roles ur JOIN users u ON u.id = ur.user_id"
                + " JOIN roles r ON r.id = ur.role_id WHERE u.username = 'admin' AND r.name = 'admin'"));
        assertTrue(a.decisions().decide(ADMIN, Permission.everywhere(Action.DESTROY)).allowed());
        assertTrue(b.decisions().decide(ADMIN, Permission.everywhere(Action.ADMIN)).allowed());
        assertTrue(a.decisions().rolesOf(ADMIN).contains("admin"));
    }

    @Test
    void createdUserGetsAUsableKeyAndCertificateAndOnlyTheFingerprintIsStored() throws Exception {
        IssuedUser issued = a.admin().createUser(ADMIN, "carol", null, URL);
        X509Certificate certificate = Pem.certificate(issued.certificate());
        PrivateKey key = Pem.privateKey(issued.privateKey());
        assertEquals(user("carol"), Identity.of(certificate));
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        byte[] data = "proof of possession".getBytes(StandardCharsets.US_ASCII);
        signer.update(data);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(data);
        assertTrue(verifier.verify(signature), "the key belongs to the certificate");
        assertEquals(Pem.certificate(ca.caCertificate()), issued.caCertificate());
        assertEquals(URL, issued.server());
        assertEquals("carol", issued.user().name());
        assertEquals("admin", issued.user().createdBy());
        Duration lifetime = Duration.between(Instant.now(), issued.certificateExpires());
        assertTrue(lifetime.toDays() >= 89 && lifetime.toDays() <= 90, "default lifetime is 90 days: " + lifetime);

        assertEquals(1, count("SELECT count(*) FROM users WHERE username = 'carol' AND cert_fingerprint = ?",
                Pem.sha256Hex(certificate)));
        String keyBody = issued.privateKey().lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        assertEquals(0, count("SELECT count(*) FROM users u WHERE strpos(CAST(row_to_json(u) AS TEXT), ?) > 0", keyBody));
        assertTrue(a.admin().users(ADMIN).stream().anyMatch(u -> u.name().equals("carol") && u.roles().isEmpty()));

        assertEquals("user-exists", refused(409, () -> a.admin().createUser(ADMIN, "carol", null, URL)).code());
        assertEquals("invalid-validity", refused(400, () -> a.admin().createUser(ADMIN, "dave", Duration.ofDays(367), URL)).code());
        refused(400, () -> a.admin().createUser(ADMIN, "dave", Duration.ZERO, URL));
        assertEquals("invalid-name", refused(400, () -> a.admin().createUser(ADMIN, "Bad_Name", null, URL)).code());
        ApiException e = refused(403, () -> a.admin().createUser(user("carol"), "dave", null, URL));
        assertTrue(e.getMessage().contains("admin:*:*:*"), e.getMessage());
        assertEquals(30, Duration.between(Instant.now(), a.admin().createUser(ADMIN, "dave", Duration.ofDays(30), URL)
                .certificateExpires()).toDays() + 1);
    }

    @Test
    void escalationIsRefusedUnlessTheCallerHoldsTheRuleOrAdminOnItsScope() {
        Identity mia = user("mia");
        a.admin().createUser(ADMIN, "mia", null, URL);
        a.admin().createUser(ADMIN, "noah", null, URL);
        a.admin().createRole(ADMIN, new RoleSpec("lab-manager", "manages the lab", List.of("manage:aws:lab:*", "read:*:*:*"), List.of()));
        a.admin().bind(ADMIN, "lab-manager", "mia");

        // mia manages the lab but may not exec there: she can neither create nor bind a role granting exec
        ApiException e = refused(403, () -> a.admin().createRole(mia, allowing("lab-exec", "exec:aws:lab:*")));
        assertTrue(e.getMessage().startsWith("cannot grant exec:aws:lab:*: you do not hold it"), e.getMessage());
        a.admin().createRole(ADMIN, allowing("lab-operator", "exec:aws:lab:*"));
        e = refused(403, () -> a.admin().bind(mia, "lab-operator", "noah"));
        assertTrue(e.getMessage().startsWith("cannot grant exec:aws:lab:*"), e.getMessage());
        // and nothing outside the scope she manages
        e = refused(403, () -> a.admin().createRole(mia, allowing("prod-reader", "read:aws:prod:*")));
        assertTrue(e.getMessage().contains("manage:aws:prod:*"), e.getMessage());

        // once she holds exec on the lab she may hand it on
        a.admin().bind(ADMIN, "lab-operator", "mia");
        RoleInfo created = a.admin().createRole(mia, allowing("lab-exec", "exec:aws:lab:*"));
        assertEquals(List.of("exec:aws:lab:*"), created.allow());
        assertFalse(created.builtin());
        a.admin().bind(mia, "lab-exec", "noah");
        assertTrue(a.decisions().decide(user("noah"), a.decisions().onServer(Action.EXEC, "web1")).allowed());
        assertFalse(a.decisions().decide(user("noah"), a.decisions().onServer(Action.EXEC, "db9")).allowed());

        // admin on a scope overrides the caller's own deny there
        Identity ada = user("ada");
        a.admin().createUser(ADMIN, "ada", null, URL);
        a.admin().createRole(ADMIN, new RoleSpec("aws-admin", null, List.of("admin:aws:*:*"), List.of("exec:aws:*:*")));
        a.admin().bind(ADMIN, "aws-admin", "ada");
        assertFalse(a.decisions().decide(ada, Permission.parse("exec:aws:lab:web1")).allowed());
        a.admin().createRole(ada, allowing("lab-exec-too", "exec:aws:lab:*"));

        // a deny needs only manage to add, but admin on its scope to lift (delete or unbind)
        a.admin().createRole(mia, new RoleSpec("lab-no-destroy", null, List.of(), List.of("destroy:aws:lab:*")));
        a.admin().bind(mia, "lab-no-destroy", "noah");
        e = refused(403, () -> a.admin().unbind(mia, "lab-no-destroy", "noah"));
        assertTrue(e.getMessage().contains("lifts deny destroy:aws:lab:*"), e.getMessage());
        e = refused(403, () -> a.admin().deleteRole(mia, "lab-no-destroy"));
        assertTrue(e.getMessage().contains("admin:aws:lab:*"), e.getMessage());
        a.admin().unbind(ada, "lab-no-destroy", "noah");
        a.admin().deleteRole(ada, "lab-no-destroy");

        assertEquals("role-exists", refused(409, () -> a.admin().createRole(ADMIN, allowing("lab-exec", "read:*:*:*"))).code());
        assertEquals("invalid-rule", refused(400, () -> a.admin().createRole(ADMIN, allowing("broken", "exec:aws:lab"))).code());
        e = refused(400, () -> a.admin().createRole(ADMIN, allowing("broken", "read:*:*:*", "fly:*:*:*")));
        assertTrue(e.getMessage().contains("'fly:*:*:*'"), e.getMessage());
        assertEquals("no-rules", refused(400, () -> a.admin().createRole(ADMIN, new RoleSpec("empty", null, null, null))).code());
        assertEquals("already-bound", refused(409, () -> a.admin().bind(mia, "lab-exec", "noah")).code());
        assertEquals("role-not-found", refused(404, () -> a.admin().bind(ADMIN, "no-such-role", "noah")).code());
        assertEquals("user-not-found", refused(404, () -> a.admin().bind(ADMIN, "lab-exec", "no-such-user")).code());
    }

    @Test
    void nobodyChangesTheirOwnBindings() {
        a.admin().createUser(ADMIN, "sam", null, URL);
        a.admin().createRole(ADMIN, allowing("sam-manager", "manage:*:*:*", "read:*:*:*"));
        a.admin().bind(ADMIN, "sam-manager", "sam");
        assertEquals("self-change", refused(403, () -> a.admin().bind(user("sam"), "viewer", "sam")).code());
        assertEquals("self-change", refused(403, () -> a.admin().unbind(user("sam"), "sam-manager", "sam")).code());
        assertEquals("self-change", refused(403, () -> a.admin().unbind(ADMIN, "admin", "admin")).code());
        assertEquals("self-change", refused(403, () -> a.admin().deleteUser(ADMIN, "admin")).code());
        assertEquals(List.of("sam-manager"), a.decisions().rolesOf(user("sam")));
    }

    @Test
    void deletingAUserRevokesItsCertificatesAndItsAccess() {
        IssuedUser zoe = a.admin().createUser(ADMIN, "zoe", Duration.ofDays(1), URL);
        BigInteger serial = Pem.certificate(zoe.certificate()).getSerialNumber();
        a.admin().bind(ADMIN, "viewer", "zoe");
        assertTrue(a.decisions().decide(user("zoe"), Permission.everywhere(Action.READ)).allowed());
        UserDetail detail = a.admin().describeUser(ADMIN, "zoe");
        assertEquals(List.of("viewer"), detail.user().roles());
        assertEquals(List.of(new EffectiveRule("allow", "read:*:*:*", "viewer")), detail.rules());
        assertEquals(serial.toString(16), detail.certificates().get(0).serial());
        assertNull(detail.certificates().get(0).revokedAt());
        assertFalse(ca.isRevoked(serial));

        a.admin().deleteUser(ADMIN, "zoe");
        assertTrue(ca.isRevoked(serial));
        assertFalse(a.decisions().decide(user("zoe"), Permission.everywhere(Action.READ)).allowed());
        assertEquals("user-not-found", refused(404, () -> a.admin().describeUser(ADMIN, "zoe")).code());
        assertEquals("user-not-found", refused(404, () -> a.admin().deleteUser(ADMIN, "zoe")).code());
    }

    @Test
    void theLastBindingOfRoleAdminIsProtected() {
        a.admin().createRole(ADMIN, allowing("super", "admin:*:*:*"));
        a.admin().createUser(ADMIN, "sec", null, URL);
        a.admin().createUser(ADMIN, "root2", null, URL);
        a.admin().bind(ADMIN, "super", "sec");
        Identity sec = user("sec");

        assertEquals("last-admin", refused(409, () -> a.admin().unbind(sec, "admin", "admin")).code());
        a.admin().bind(sec, "admin", "root2");
        a.admin().unbind(sec, "admin", "admin");
        assertEquals("last-admin", refused(409, () -> a.admin().unbind(sec, "admin", "root2")).code());
        assertEquals("last-admin", refused(409, () -> a.admin().deleteUser(sec, "root2")).code());
        assertEquals("admin-user", refused(409, () -> a.admin().deleteUser(sec, "admin")).code());
        // put the break-glass binding back for the other tests
        a.admin().bind(sec, "admin", "admin");
        a.admin().unbind(sec, "admin", "root2");
        assertEquals("not-bound", refused(404, () -> a.admin().unbind(sec, "admin", "root2")).code());
        assertEquals("builtin-role", refused(409, () -> a.admin().deleteRole(sec, "admin")).code());
        assertTrue(a.decisions().decide(ADMIN, Permission.everywhere(Action.ADMIN)).allowed());
    }

    @Test
    void aChangeOnOneInstanceReachesTheOtherWithinAPoll() throws Exception {
        Identity ivy = user("ivy");
        a.admin().createUser(ADMIN, "ivy", null, URL);
        a.admin().bind(ADMIN, "viewer", "ivy");
        Permission read = Permission.parse("read:aws:lab:web1");
        assertTrue(a.decisions().decide(ivy, read).allowed(), "the instance that made the change sees it at once");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!b.decisions().decide(ivy, read).allowed() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(b.decisions().decide(ivy, read).allowed(), "instance B polls the generation and reloads");
        assertEquals(List.of("viewer"), b.decisions().rolesOf(ivy));
    }

    @Test
    void reviewsAnswerForTheCallerOrAsAnotherUserForAdmins() {
        a.admin().createUser(ADMIN, "olga", null, URL);
        a.admin().createRole(ADMIN, allowing("lab-shell", "exec:aws:lab:*"));
        a.admin().bind(ADMIN, "lab-shell", "olga");
        Identity olga = user("olga");

        AccessReviewResult mine = a.admin().review(olga, Action.EXEC, a.decisions().onServer(Action.EXEC, "web1"), null);
        assertTrue(mine.allowed(), mine.reason());
        assertEquals("olga", mine.user());
        assertEquals("exec:aws:lab:web1", mine.permission());
        assertTrue(mine.reason().contains("exec:aws:lab:* of role lab-shell"), mine.reason());

        AccessReviewResult asOlga = a.admin().review(ADMIN, Action.EXEC, a.decisions().onServer(Action.EXEC, "db9"), "olga");
        assertFalse(asOlga.allowed());
        assertEquals("exec:aws:prod:db9", asOlga.permission());
        assertEquals("olga", a.admin().review(olga, Action.READ, Permission.everywhere(Action.READ), "olga").user());
        refused(403, () -> a.admin().review(olga, Action.READ, Permission.everywhere(Action.READ), "admin"));
        refused(404, () -> a.admin().review(ADMIN, Action.READ, Permission.everywhere(Action.READ), "nobody-here"));

        // an unknown server has empty cloud and environment, which only * matches
        assertEquals(new Permission("exec", "", "", "ghost"), a.decisions().onServer(Action.EXEC, "ghost"));
        assertFalse(a.decisions().decide(olga, a.decisions().onServer(Action.EXEC, "ghost")).allowed());
        assertEquals(new Permission("exec", "", "", ""), a.decisions().onServer(Action.EXEC, "*"));
    }

    @Test
    void listingsShowRolesUsersAndEveryRule() {
        a.admin().createRole(ADMIN, new RoleSpec("listed", "for the listing", List.of("read:aws:*:*"), List.of("read:aws:secret:*")));
        a.admin().createUser(ADMIN, "lena", null, URL);
        a.admin().bind(ADMIN, "listed", "lena");
        RoleInfo listed = a.admin().roles(ADMIN).stream().filter(r -> r.name().equals("listed")).findFirst().orElseThrow();
        assertEquals(List.of("read:aws:*:*"), listed.allow());
        assertEquals(List.of("read:aws:secret:*"), listed.deny());
        assertEquals(List.of("lena"), listed.users());
        assertEquals("for the listing", listed.description());
        assertTrue(a.admin().roles(ADMIN).stream().anyMatch(r -> r.name().equals("admin") && r.builtin() && r.users().contains("admin")));
        assertTrue(a.admin().permissions(ADMIN).contains(new EffectiveRule("deny", "read:aws:secret:*", "listed")));
        assertEquals("deny", a.admin().describeUser(ADMIN, "lena").rules().get(0).effect(), "deny rules come first");
        assertEquals(List.of(), a.decisions().rolesOf(new Identity(Identity.Kind.AGENT, "web1")));
    }
}
