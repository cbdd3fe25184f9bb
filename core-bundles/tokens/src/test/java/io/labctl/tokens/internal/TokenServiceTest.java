package io.labctl.tokens.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.ApiException;
import io.labctl.api.CertificateAuthority;
import io.labctl.api.JoinTokens;
import io.labctl.persistence.Database;
import io.labctl.persistence.internal.TestDatabases;
import io.labctl.protocol.IssuedToken;
import io.labctl.protocol.JoinTokenString;
import io.labctl.protocol.TokenInfo;
import io.labctl.protocol.TokenSpec;
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
        IssuedToken t = tokens.create(spec(false, 3600L, null), "user/admin");
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
        JoinTokenString t = JoinTokenString.parse(tokens.create(spec(false, null, null), "user/admin").token());
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
    void reusableTokenServesManyAndCountsUses() {
        IssuedToken issued = tokens.create(spec(true, null, null), "user/admin");
        JoinTokenString t = JoinTokenString.parse(issued.token());
        tokens.redeem(t, "asg-1");
        tokens.redeem(t, "asg-2");
        assertEquals(2, tokens.list().stream().filter(i -> i.id().equals(t.id())).findFirst().orElseThrow().uses());
    }

    @Test
    void expiredRevokedWrongSecretAndOutOfScopeAreRefusedWithoutConsuming() throws Exception {
        JoinTokenString scoped = JoinTokenString.parse(tokens.create(spec(false, null, "web1"), "user/admin").token());
        ApiException e = assertThrows(ApiException.class, () -> tokens.redeem(scoped, "web2"));
        assertEquals("name-out-of-scope", e.code());
        tokens.redeem(scoped, "web1");  // the refusal above did not use it up

        JoinTokenString wrong = new JoinTokenString(scoped.id(), "B".repeat(43), PIN);
        assertEquals("token-invalid", assertThrows(ApiException.class, () -> tokens.redeem(wrong, "web1")).code());

        IssuedToken revoked = tokens.create(spec(false, null, null), "user/admin");
        assertEquals("revoked", tokens.revoke(revoked.info().id().substring(0, 8)).state());
        assertEquals("token-revoked", assertThrows(ApiException.class,
                () -> tokens.redeem(JoinTokenString.parse(revoked.token()), "x")).code());

        IssuedToken expiring = tokens.create(spec(false, 1L, null), "user/admin");
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
        TokenInfo defaulted = tokens.create(spec(false, null, null), "user/admin").info();
        assertTrue(defaulted.expiresAt() != null, "a token without ttl must expire");
        java.time.Duration left = java.time.Duration.between(before, defaulted.expiresAt());
        assertTrue(left.compareTo(TokenSpec.DEFAULT_TTL.minusMinutes(1)) > 0 && left.compareTo(TokenSpec.DEFAULT_TTL.plusMinutes(1)) < 0,
                "expires in " + left);
        TokenInfo never = tokens.create(new TokenSpec(false, null, true, null, "lab", null, null, null, null), "user/admin").info();
        assertEquals(null, never.expiresAt());
        assertEquals("invalid-ttl", assertThrows(ApiException.class, () -> tokens.create(
                new TokenSpec(false, 60L, true, null, "lab", null, null, null, null), "u")).code());
        // 0 used to mean "never": now it is out of range, like any other lifetime below 1s
        assertEquals("invalid-ttl", assertThrows(ApiException.class, () -> tokens.create(spec(false, 0L, null), "u")).code());
    }

    @Test
    void badSpecsAreRefused() {
        assertEquals("invalid-ttl", assertThrows(ApiException.class, () -> tokens.create(spec(false, -5L, null), "u")).code());
        assertThrows(ApiException.class, () -> tokens.create(
                new TokenSpec(false, null, "Bad Cloud", null, null, null, null, null), "u"));
        assertEquals("invalid-token-id", assertThrows(ApiException.class, () -> tokens.revoke("xyz")).code());
        // an empty scope is not a scope left out: that would be a token for servers without an environment
        assertEquals("empty-scope", assertThrows(ApiException.class, () -> tokens.create(
                new TokenSpec(false, 60L, "baremetal", " ", null, null, null, null), "u")).code());
    }
}
