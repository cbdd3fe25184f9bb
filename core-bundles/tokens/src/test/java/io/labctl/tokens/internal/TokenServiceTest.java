package io.labctl.tokens.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.ApiException;
import io.labctl.api.CertificateAuthority;
import io.labctl.api.Identity;
import io.labctl.api.JoinTokens;
import io.labctl.persistence.Database;
import io.labctl.persistence.internal.TestDatabases;
import io.labctl.protocol.IssuedToken;
import io.labctl.protocol.JoinTokenString;
import io.labctl.protocol.TokenInfo;
import io.labctl.protocol.TokenSpec;
import io.labctl.environments.internal.EnvironmentService;
import io.labctl.protocol.access.Permission;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Join tokens against a real PostgreSQL. */
class TokenServiceTest {
    private static final String PIN = "0f".repeat(32);
    @TempDir
    static Path dir;
    static Database db;
    static TokenService tokens;
    static EnvironmentService environments;
    static final Identity ADMIN = new Identity(Identity.Kind.USER, "admin");
    static final Identity OLGA = new Identity(Identity.Kind.USER, "olga");
    static final RuleAccess ACCESS = new RuleAccess(Map.of("admin", List.of(Permission.parse("*:*:*:*")),
            "olga", List.of(Permission.parse("manage:baremetal:lab:*"), Permission.parse("read:baremetal:lab:*"))));

    /** Test double: the token service needs only the CA's pin. */
    static CertificateAuthority pinOnlyCa() {
        return (CertificateAuthority) Proxy.newProxyInstance(CertificateAuthority.class.getClassLoader(),
                new Class<?>[] {CertificateAuthority.class}, (p, m, a) -> {
                    if (m.getName().equals("caPin")) {
                        return PIN;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabases.start(dir.resolve("pg"));
        tokens = new TokenService(db, TestDatabases.schema(db, "tokens"), pinOnlyCa());
        tokens.decisions = ACCESS;
        environments = new EnvironmentService(db, TestDatabases.schema(db, "environments"));
        environments.create("lab", "baremetal", "admin");
        environments.create("prod", "aws", "admin");
        tokens.environments = environments;
    }

    @AfterAll
    static void stop() throws Exception {
        TestDatabases.stop(db);
    }

    private static TokenSpec spec(boolean reusable, Long ttl, String server) {
        return new TokenSpec(reusable, ttl, "baremetal", "lab", "worker", Map.of("rack", "r1"), server, null);
    }

    @Test
    void tokenCarriesPinAndOnlyItsHashIsStored() throws Exception {
        IssuedToken t = tokens.create(ADMIN, spec(false, 3600L, null));
        JoinTokenString parsed = JoinTokenString.parse(t.token());
        assertEquals(PIN, parsed.caPin());
        assertEquals("active", t.info().state());
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT secret_hash FROM join_tokens WHERE id = '" + parsed.uuid() + "'")) {
            assertTrue(rs.next());
            assertFalse(rs.getString(1).contains(parsed.secret()));
            assertEquals(TokenService.hash(parsed.secret()), rs.getString(1));
        }
    }

    @Test
    void oneTimeTokenRacedByManyEnrolmentsHasExactlyOneWinner() throws Exception {
        JoinTokenString t = JoinTokenString.parse(tokens.create(ADMIN, spec(false, null, null)).token());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<JoinTokens.Grant>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String name = "racer-" + i;
            results.add(pool.submit((Callable<JoinTokens.Grant>) () -> tokens.redeem(t, name)));
        }
        int wins = 0;
        int used = 0;
        for (Future<JoinTokens.Grant> f : results) {
            try {
                JoinTokens.Grant g = f.get();
                assertEquals("lab", g.environment());
                assertEquals(Map.of("rack", "r1"), g.labels());
                wins++;
            } catch (java.util.concurrent.ExecutionException e) {
                ApiException api = (ApiException) e.getCause();
                assertEquals("token-used", api.code());
                used++;
            }
        }
        pool.shutdown();
        assertEquals(1, wins);
        assertEquals(7, used);
    }

    @Test
    void aTokenForAnEnvironmentDeletedSinceEnrolsNothingAndIsNotUsedUp() {
        environments.create("short-lived", "baremetal", "admin");
        IssuedToken issued = tokens.create(ADMIN, new TokenSpec(false, 3600L, "baremetal", "short-lived", "worker",
                Map.of(), null, null));
        JoinTokenString t = JoinTokenString.parse(issued.token());
        environments.delete("short-lived");
        ApiException gone = assertThrows(ApiException.class, () -> tokens.redeem(t, "late-1"));
        assertEquals("environment-gone", gone.code());
        assertEquals(403, gone.status());
        assertTrue(gone.getMessage().contains("'short-lived'"), gone.getMessage());
        // made anew under another cloud: still not the token's environment
        environments.create("short-lived", "local", "admin");
        assertEquals("environment-gone", assertThrows(ApiException.class, () -> tokens.redeem(t, "late-1")).code());
        environments.delete("short-lived");
        environments.create("short-lived", "baremetal", "admin");
        assertEquals("short-lived", tokens.redeem(t, "late-1").environment(), "the token was not used up");
        environments.delete("short-lived");
    }

    @Test
    void reusableTokenServesManyAndCountsUses() {
        IssuedToken issued = tokens.create(ADMIN, spec(true, null, null));
        JoinTokenString t = JoinTokenString.parse(issued.token());
        tokens.redeem(t, "asg-1");
        tokens.redeem(t, "asg-2");
        assertEquals(2, tokens.list(ADMIN).stream().filter(i -> i.id().equals(t.id())).findFirst().orElseThrow().uses());
    }

    @Test
    void expiredRevokedWrongSecretAndOutOfScopeAreRefusedWithoutConsuming() throws Exception {
        JoinTokenString scoped = JoinTokenString.parse(tokens.create(ADMIN, spec(false, null, "web1")).token());
        ApiException e = assertThrows(ApiException.class, () -> tokens.redeem(scoped, "web2"));
        assertEquals("name-out-of-scope", e.code());
        tokens.redeem(scoped, "web1");  // the refusal above did not use it up

        JoinTokenString wrong = new JoinTokenString(scoped.id(), "B".repeat(43), PIN);
        assertEquals("token-invalid", assertThrows(ApiException.class, () -> tokens.redeem(wrong, "web1")).code());

        IssuedToken revoked = tokens.create(ADMIN, spec(false, null, null));
        assertEquals("revoked", tokens.revoke(ADMIN, revoked.info().id().substring(0, 8)).state());
        assertEquals("token-revoked", assertThrows(ApiException.class,
                () -> tokens.redeem(JoinTokenString.parse(revoked.token()), "x")).code());

        IssuedToken expiring = tokens.create(ADMIN, spec(false, 1L, null));
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE join_tokens SET expires_at = now() - interval '1 minute' WHERE id = '"
                    + JoinTokenString.parse(expiring.token()).uuid() + "'");
        }
        ApiException expired = assertThrows(ApiException.class, () -> tokens.redeem(JoinTokenString.parse(expiring.token()), "x"));
        assertEquals("token-expired", expired.code());
        assertTrue(expired.getMessage().contains("labctl create token"));
    }

    /** A request without a lifetime gets the CLI's default; only an explicit request gets a token that never expires. */
    @Test
    void absentTtlMeansTheDefaultAndNeverMustBeAskedFor() {
        java.time.Instant before = java.time.Instant.now();
        TokenInfo defaulted = tokens.create(ADMIN, spec(false, null, null)).info();
        assertTrue(defaulted.expiresAt() != null, "a token without ttl must expire");
        java.time.Duration left = java.time.Duration.between(before, defaulted.expiresAt());
        assertTrue(left.compareTo(TokenSpec.DEFAULT_TTL.minusMinutes(1)) > 0 && left.compareTo(TokenSpec.DEFAULT_TTL.plusMinutes(1)) < 0,
                "expires in " + left);
        TokenInfo never = tokens.create(ADMIN, new TokenSpec(false, null, true, null, "lab", null, null, null, null)).info();
        assertEquals(null, never.expiresAt());
        assertEquals("invalid-ttl", assertThrows(ApiException.class, () -> tokens.create(ADMIN,
                new TokenSpec(false, 60L, true, null, "lab", null, null, null, null))).code());
        // 0 used to mean "never": now it is out of range, like any other lifetime below 1s
        assertEquals("invalid-ttl", assertThrows(ApiException.class, () -> tokens.create(ADMIN, spec(false, 0L, null))).code());
    }

    @Test
    void badSpecsAreRefused() {
        assertEquals("invalid-ttl", assertThrows(ApiException.class, () -> tokens.create(ADMIN, spec(false, -5L, null))).code());
        assertThrows(ApiException.class,
                () -> tokens.create(ADMIN, new TokenSpec(false, null, "Bad Cloud", null, null, null, null, null)));
        assertEquals("invalid-token-id", assertThrows(ApiException.class, () -> tokens.revoke(ADMIN, "xyz")).code());
        // an empty scope is not a scope left out: that would be a token for servers without an environment
        assertEquals("empty-scope", assertThrows(ApiException.class, () -> tokens.create(ADMIN,
                new TokenSpec(false, 60L, "baremetal", " ", null, null, null, null))).code());
    }

    /** A token names an existing environment; its cloud may be left out, and a cloud that does not match is an error. */
    @Test
    void aTokenNamesAnExistingEnvironmentAndGetsItsCloud() {
        TokenInfo lab = tokens.create(ADMIN, new TokenSpec(false, 60L, null, "lab", null, null, null, null)).info();
        assertEquals("baremetal", lab.cloud(), "the environment's cloud");
        ApiException typo = assertThrows(ApiException.class,
                () -> tokens.create(ADMIN, new TokenSpec(false, 60L, null, "lba", null, null, null, null)));
        assertEquals("unknown-environment", typo.code());
        assertTrue(typo.getMessage().contains("labctl create environment lba --cloud CLOUD"), typo.getMessage());
        assertEquals("cloud-mismatch", assertThrows(ApiException.class, () -> tokens.create(ADMIN,
                new TokenSpec(false, 60L, "aws", "lab", null, null, null, null))).code());
        assertEquals("unknown-cloud", assertThrows(ApiException.class, () -> tokens.create(ADMIN,
                new TokenSpec(false, 60L, "bearmetal", null, null, null, null, null))).code());
        // a typo is refused before access is decided: olga learns it is a typo, and mints nothing
        assertEquals("unknown-environment", assertThrows(ApiException.class, () -> tokens.create(OLGA,
                new TokenSpec(false, 60L, null, "lba", null, null, null, null))).code());

        tokens.environments = null;
        try {
            assertEquals(503, assertThrows(ApiException.class, () -> tokens.create(ADMIN,
                    new TokenSpec(false, 60L, null, "lab", null, null, null, null))).status());
            assertEquals(null, tokens.create(ADMIN, new TokenSpec(false, 60L, null, null, null, null, null, null))
                    .info().environment(), "a token naming no environment needs no environments");
        } finally {
            tokens.environments = environments;
        }
    }

    /** The per-token checks REST and shell once each made for themselves: manage on the scope, read to list. */
    @Test
    void theServiceChecksTheCallerOnEachTokensScope() {
        IssuedToken lab = tokens.create(OLGA, new TokenSpec(false, 60L, "baremetal", "lab", null, null, null, null));
        ApiException outside = assertThrows(ApiException.class,
                () -> tokens.create(OLGA, new TokenSpec(false, 60L, "aws", "prod", null, null, null, null)));
        assertEquals(403, outside.status());
        assertTrue(outside.getMessage().startsWith("user/olga may not manage on aws:prod:*"), outside.getMessage());
        IssuedToken prod = tokens.create(ADMIN, new TokenSpec(false, 60L, "aws", "prod", null, null, null, null));

        List<String> visible = tokens.list(OLGA).stream().map(TokenInfo::id).toList();
        assertTrue(visible.contains(lab.info().id()), visible.toString());
        assertFalse(visible.contains(prod.info().id()), "olga cannot read aws:prod tokens");
        assertTrue(tokens.list(ADMIN).stream().anyMatch(t -> t.id().equals(prod.info().id())));

        assertEquals(403, assertThrows(ApiException.class, () -> tokens.revoke(OLGA, prod.info().id())).status());
        assertEquals("active", tokens.find(prod.info().id()).state(), "a refused revocation changes nothing");
        assertEquals("revoked", tokens.revoke(OLGA, lab.info().id()).state());
    }

    /** Without access control nobody's token calls pass, but enrolment (redeem) still works. */
    @Test
    void withoutAccessControlCallersAreRefusedButEnrolmentWorks() {
        JoinTokenString t = JoinTokenString.parse(tokens.create(ADMIN, spec(false, null, null)).token());
        tokens.decisions = null;
        try {
            assertEquals(503, assertThrows(ApiException.class, () -> tokens.list(ADMIN)).status());
            assertEquals("access-control-unavailable",
                    assertThrows(ApiException.class, () -> tokens.create(ADMIN, spec(false, null, null))).code());
            assertEquals("lab", tokens.redeem(t, "web-7").environment());
        } finally {
            tokens.decisions = ACCESS;
        }
    }
}
