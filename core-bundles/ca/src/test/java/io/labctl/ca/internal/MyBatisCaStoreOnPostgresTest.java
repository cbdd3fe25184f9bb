package io.labctl.ca.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.CertificateAuthority.IssuedCertificate;
import io.labctl.api.Identity;
import io.labctl.persistence.Database;
import io.labctl.persistence.internal.TestDatabases;
import java.lang.annotation.Annotation;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mappers' SQL against a real PostgreSQL with the project's own schema (V1 from the persistence bundle). */
class MyBatisCaStoreOnPostgresTest {
    private static Database database;
    private static io.labctl.persistence.Schema schema;

    @TempDir
    Path dir;

    private MyBatisCaStore store;

    /** labd's own database service on a real embedded PostgreSQL, schema from the real migrations. */
    @BeforeAll
    static void startPostgres(@TempDir Path pgDir) throws Exception {
        database = TestDatabases.start(pgDir.resolve("pg"));
        schema = TestDatabases.schema(database, "ca");
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        TestDatabases.stop(database);
    }

    @BeforeEach
    void emptyTables() throws Exception {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM certificates; DELETE FROM ca_keys");
        }
        store = new MyBatisCaStore(database.sessions(MyBatisCaStore.MAPPERS));
    }

    @Test
    void theFirstCaInsertWinsAndTheSecondIsIgnored() {
        CaKeyRow first = new CaKeyRow("root", "PEM-1", new byte[] {1, 2, 3, 0, (byte) 0xff}, "a".repeat(64));
        CaKeyRow second = new CaKeyRow("root", "PEM-2", new byte[] {9}, "b".repeat(64));
        assertTrue(store.insertCaIfAbsent(first));
        assertFalse(store.insertCaIfAbsent(second));
        CaKeyRow read = store.findCa("root").orElseThrow();
        assertEquals("PEM-1", read.certificatePem);
        assertArrayEquals(new byte[] {1, 2, 3, 0, (byte) 0xff}, read.sealedKey);
        assertEquals("a".repeat(64), read.keyCheck);
        assertTrue(store.findCa("other").isEmpty());
    }

    @Test
    void certificatesAreRecordedRevokedAndListed() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        store.recordCertificate(row("0a1b", "agent", "web-01", now.minusSeconds(60), now.plusSeconds(3600)));
        store.recordCertificate(row("0a1c", "agent", "web-01", now, now.plusSeconds(3600)));
        store.recordCertificate(row("0a1d", "agent", "web-02", now, now.plusSeconds(3600)));
        store.recordCertificate(row("0a1e", "user", "web-01", now, now.plusSeconds(3600)));
        store.recordCertificate(row("0a1f", "agent", "old", now.minusSeconds(7200), now.minusSeconds(3600)));

        List<CertificateRow> listed = store.certificatesOf("agent", "web-01");
        assertEquals(List.of("0a1c", "0a1b"), listed.stream().map(r -> r.serial).toList());
        assertEquals(now.minusSeconds(60), listed.get(1).notBefore);
        assertEquals(now.plusSeconds(3600), listed.get(1).notAfter);
        assertEquals("f".repeat(64), listed.get(1).fingerprint);
        assertNull(listed.get(1).revokedAt);

        RevokedRow revoked = store.revoke("0a1b", "lost", now).orElseThrow();
        assertEquals("0a1b", revoked.serial);
        assertEquals(now.plusSeconds(3600), revoked.notAfter);
        assertEquals("lost", store.revoke("0a1b", "again", now.plusSeconds(5)).map(r -> store.certificatesOf("agent", "web-01")
                .get(1).revokeReason).orElseThrow(), "the first revocation is kept");
        assertEquals(now, store.certificatesOf("agent", "web-01").get(1).revokedAt);
        assertTrue(store.revoke("ffff", "x", now).isEmpty());

        List<RevokedRow> all = store.revokeAll("agent", "web-01", "decommissioned", now);
        assertEquals(List.of("0a1c"), all.stream().map(r -> r.serial).toList());
        assertTrue(store.revokeAll("agent", "web-01", "again", now).isEmpty());

        store.revoke("0a1f", "expired anyway", now);
        assertEquals(List.of("0a1b", "0a1c"), store.revokedUnexpired(now).stream().map(r -> r.serial).sorted().toList());
    }

    @Test
    void aSerialIsRecordedOnlyOnce() {
        Instant now = Instant.now();
        store.recordCertificate(row("abc", "agent", "a", now, now.plusSeconds(60)));
        assertThrows(RuntimeException.class, () -> store.recordCertificate(row("abc", "agent", "b", now, now.plusSeconds(60))));
    }

    @Test
    void twoLabdInstancesOnOneDatabaseShareTheCaAndItsRevocations() throws Exception {
        Path keyFile = dir.resolve("labd-master.key");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<CertificateAuthorityService> instances = new ArrayList<>();
        try {
            // the DS constructor, as SCR calls it
            Future<CertificateAuthorityService> a = pool.submit(() -> new CertificateAuthorityService(database, schema, config(keyFile)));
            Future<CertificateAuthorityService> b = pool.submit(() -> new CertificateAuthorityService(database, schema, config(keyFile)));
            instances.add(a.get(60, TimeUnit.SECONDS));
            instances.add(b.get(60, TimeUnit.SECONDS));
            CertificateAuthorityService first = instances.get(0);
            CertificateAuthorityService second = instances.get(1);
            assertEquals(first.caCertificate(), second.caCertificate());

            Identity agent = new Identity(Identity.Kind.AGENT, "web-01");
            BigInteger serial = first.issueWithNewKey(agent, Duration.ofDays(1)).certificate().getSerialNumber();
            List<IssuedCertificate> listed = second.certificatesOf(agent);
            assertEquals(List.of(serial), listed.stream().map(IssuedCertificate::serial).toList());

            assertTrue(first.revoke(serial, "compromised"));
            assertTrue(first.isRevoked(serial));
            second.refreshRevocations();
            assertTrue(second.isRevoked(serial));
            assertEquals(0, second.revokeAll(agent, "again"));
        } finally {
            instances.forEach(CertificateAuthorityService::close);
            pool.shutdownNow();
        }
    }

    @Test
    void aDifferentMasterKeyIsRefusedAgainstTheSharedDatabase() {
        CertificateAuthorityService first = new CertificateAuthorityService(database, schema, config(dir.resolve("a.key")));
        first.close();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new CertificateAuthorityService(database, schema, config(dir.resolve("b.key"))));
        assertTrue(e.getMessage().contains(dir.resolve("b.key").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    private static CertificateRow row(String serial, String kind, String name, Instant notBefore, Instant notAfter) {
        return new CertificateRow(serial, kind, name, notBefore, notAfter, "f".repeat(64));
    }

    private static CaConfig config(Path keyFile) {
        return new CaConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return CaConfig.class;
            }

            @Override
            public String masterKeyFile() {
                return keyFile.toString();
            }

            @Override
            public int caValidityYears() {
                return 10;
            }

            @Override
            public int revocationRefreshSeconds() {
                return 5;
            }
        };
    }
}
