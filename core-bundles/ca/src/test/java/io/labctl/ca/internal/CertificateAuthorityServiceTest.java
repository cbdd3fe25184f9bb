package io.labctl.ca.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.ApiException;
import io.labctl.api.CertificateAuthority.IssuedCertificate;
import io.labctl.api.CertificateAuthority.KeyPairCertificate;
import io.labctl.api.CertificateAuthority.VerifiedCsr;
import io.labctl.api.Identity;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityServiceTest {
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    @TempDir
    Path dir;

    private final InMemoryCaStoreForTests store = new InMemoryCaStoreForTests();
    private final List<CertificateAuthorityService> started = new ArrayList<>();
    private CertificateAuthorityService ca;

    @BeforeEach
    void startCa() {
        ca = startInstance();
    }

    @AfterEach
    void stop() {
        started.forEach(CertificateAuthorityService::close);
    }

    private CertificateAuthorityService startInstance() {
        CertificateAuthorityService instance = new CertificateAuthorityService(store,
                new CaSettings(dir.resolve("labd-master.key"), 10, Duration.ofHours(1)), Clock.systemUTC());
        started.add(instance);
        return instance;
    }

    @Test
    void anIssuedCertificateChainsToTheCaAndSaysWhoAndWhatFor() throws Exception {
        Identity agent = new Identity(Identity.Kind.AGENT, "web-01");
        KeyPair key = TestCsrs.ec("secp256r1");
        VerifiedCsr csr = ca.verify(TestCsrs.pem(TestCsrs.der(key, key.getPrivate(), "SHA256withECDSA", "web-01")));
        Instant before = Instant.now();
        X509Certificate cert = ca.issue(csr, agent, Duration.ofDays(30));
        Instant after = Instant.now();

        validatesAgainstCa(cert);
        assertEquals(key.getPublic(), cert.getPublicKey());
        assertEquals("CN=web-01,OU=agent,O=labctl", cert.getSubjectX500Principal().getName());
        assertEquals(agent, Identity.of(cert));
        assertEquals(List.of(CLIENT_AUTH), cert.getExtendedKeyUsage());
        assertTrue(cert.getKeyUsage()[0], "digitalSignature");
        assertEquals(-1, cert.getBasicConstraints(), "not a CA");
        assertEquals("SHA256withECDSA", cert.getSigAlgName());
        assertFalse(cert.getNotBefore().toInstant().isAfter(before.minus(Duration.ofMinutes(5))));
        assertTrue(cert.getNotBefore().toInstant().isAfter(before.minus(Duration.ofMinutes(5)).minusSeconds(2)));
        assertFalse(cert.getNotAfter().toInstant().isBefore(before.plus(Duration.ofDays(30)).minusSeconds(1)));
        assertFalse(cert.getNotAfter().toInstant().isAfter(after.plus(Duration.ofDays(30))));
        assertTrue(cert.getNonCriticalExtensionOIDs().containsAll(Set.of("2.5.29.35", "2.5.29.14")), "AKI and SKI");
    }

    @Test
    void aCertificateFromAnotherCaDoesNotValidate() throws Exception {
        // the negative control for the chain check above
        InMemoryCaStoreForTests otherStore = new InMemoryCaStoreForTests();
        CertificateAuthorityService other = new CertificateAuthorityService(otherStore,
                new CaSettings(dir.resolve("other.key"), 10, Duration.ofHours(1)), Clock.systemUTC());
        started.add(other);
        X509Certificate foreign = other.issueWithNewKey(new Identity(Identity.Kind.USER, "mallory"), Duration.ofDays(1)).certificate();
        assertThrows(CertPathValidatorException.class, () -> validatesAgainstCa(foreign));
    }

    @Test
    void everyIssuedCertificateIsRecorded() throws Exception {
        Identity user = new Identity(Identity.Kind.USER, "alice");
        X509Certificate cert = ca.issueWithNewKey(user, Duration.ofHours(8)).certificate();
        List<CertificateRow> rows = store.allCertificates();
        assertEquals(1, rows.size());
        CertificateRow row = rows.get(0);
        assertEquals(cert.getSerialNumber().toString(16), row.serial);
        assertEquals(row.serial.toLowerCase(), row.serial);
        assertEquals("user", row.kind);
        assertEquals("alice", row.subjectName);
        assertEquals(cert.getNotBefore().toInstant(), row.notBefore);
        assertEquals(cert.getNotAfter().toInstant(), row.notAfter);
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded())), row.fingerprint);
    }

    @Test
    void issueWithNewKeyReturnsTheMatchingPrivateKey() throws Exception {
        KeyPairCertificate issued = ca.issueWithNewKey(new Identity(Identity.Kind.USER, "admin"), Duration.ofDays(1));
        validatesAgainstCa(issued.certificate());
        assertTrue(EcKeys.belongTogether(issued.privateKey(), issued.certificate().getPublicKey()));
        assertEquals(List.of(CLIENT_AUTH), issued.certificate().getExtendedKeyUsage());
    }

    @Test
    void onlyCsrsFromVerifyAreIssuedFor() throws Exception {
        KeyPair key = TestCsrs.ec("secp256r1");
        VerifiedCsr unchecked = new VerifiedCsr() {
            @Override
            public String requestedName() {
                return "x";
            }

            @Override
            public java.security.PublicKey publicKey() {
                return key.getPublic();
            }
        };
        assertThrows(IllegalArgumentException.class,
                () -> ca.issue(unchecked, new Identity(Identity.Kind.AGENT, "x"), Duration.ofDays(1)));
        assertTrue(store.allCertificates().isEmpty());
    }

    @Test
    void aNonPositiveValidityIsRefused() {
        ApiException e = assertThrows(ApiException.class,
                () -> ca.issueWithNewKey(new Identity(Identity.Kind.USER, "a"), Duration.ZERO));
        assertEquals("invalid-validity", e.code());
    }

    @Test
    void aNameTooLongForTheDatabaseIsRefusedBeforeSigning() {
        ApiException e = assertThrows(ApiException.class,
                () -> ca.issueWithNewKey(new Identity(Identity.Kind.AGENT, "n".repeat(254)), Duration.ofDays(1)));
        assertEquals("invalid-name", e.code());
        assertTrue(store.allCertificates().isEmpty());
        ca.issueWithNewKey(new Identity(Identity.Kind.AGENT, "n".repeat(253)), Duration.ofDays(1));
    }

    @Test
    void aLeafNeverOutlivesTheCa() {
        X509Certificate cert = ca.issueWithNewKey(new Identity(Identity.Kind.USER, "a"), Duration.ofDays(365 * 20)).certificate();
        assertEquals(ca.caCertificate().getNotAfter(), cert.getNotAfter());
    }

    @Test
    void serverCertificatesCarryIpAndDnsNamesAndBothUsages() throws Exception {
        KeyPairCertificate server = ca.serverCertificate("labd-1.lab.example",
                List.of("10.0.0.5", "labd.lab.example", "::1", "[fe80::1]", "LABD.lab.example", "10.0.0.5"), Duration.ofDays(90));
        X509Certificate cert = server.certificate();
        validatesAgainstCa(cert);
        assertEquals("CN=labd-1.lab.example,OU=labd,O=labctl", cert.getSubjectX500Principal().getName());
        assertEquals(List.of(SERVER_AUTH, CLIENT_AUTH), cert.getExtendedKeyUsage());
        assertTrue(EcKeys.belongTogether(server.privateKey(), cert.getPublicKey()));

        List<List<?>> sans = new ArrayList<>(cert.getSubjectAlternativeNames());
        assertEquals(List.of(
                List.of(SAN_DNS, "labd-1.lab.example"),
                List.of(SAN_IP, "10.0.0.5"),
                List.of(SAN_DNS, "labd.lab.example"),
                List.of(SAN_IP, "0:0:0:0:0:0:0:1"),
                List.of(SAN_IP, "fe80:0:0:0:0:0:0:1")), sans);
        assertEquals("labd", store.allCertificates().get(0).kind);
    }

    @Test
    void anIpHostNameBecomesAnIpSan() throws Exception {
        X509Certificate cert = ca.serverCertificate("192.168.1.10", List.of(), Duration.ofDays(1)).certificate();
        assertEquals(List.of(List.of(SAN_IP, "192.168.1.10")), new ArrayList<>(cert.getSubjectAlternativeNames()));
    }

    @Test
    void malformedServerNamesAreRefused() {
        ApiException e = assertThrows(ApiException.class,
                () -> ca.serverCertificate("labd", List.of("not a name"), Duration.ofDays(1)));
        assertEquals("invalid-san", e.code());
        assertTrue(e.getMessage().contains("'not a name'"));
        assertThrows(ApiException.class, () -> ca.serverCertificate("labd", List.of("999.1.1.1.1"), Duration.ofDays(1)));
    }

    @Test
    void revocationIsVisibleAtOnceAndRecorded() {
        Identity agent = new Identity(Identity.Kind.AGENT, "web-01");
        BigInteger serial = ca.issueWithNewKey(agent, Duration.ofDays(1)).certificate().getSerialNumber();
        assertFalse(ca.isRevoked(serial));
        assertTrue(ca.revoke(serial, "key lost"));
        assertTrue(ca.isRevoked(serial));
        CertificateRow row = store.allCertificates().get(0);
        assertEquals("key lost", row.revokeReason);
        assertTrue(ca.revoke(serial, "again"), "a known serial stays known");
        assertEquals("key lost", store.allCertificates().get(0).revokeReason, "the first revocation is kept");
    }

    @Test
    void unknownSerialsAreNotRevoked() {
        BigInteger unknown = new BigInteger("1234567890abcdef", 16);
        assertFalse(ca.revoke(unknown, "x"));
        assertFalse(ca.isRevoked(unknown));
    }

    @Test
    void revokeAllHitsEveryLiveCertificateOfThatIdentityOnly() {
        Identity alice = new Identity(Identity.Kind.USER, "alice");
        Identity bob = new Identity(Identity.Kind.USER, "bob");
        Identity aliceAgent = new Identity(Identity.Kind.AGENT, "alice");
        BigInteger a1 = ca.issueWithNewKey(alice, Duration.ofDays(1)).certificate().getSerialNumber();
        BigInteger a2 = ca.issueWithNewKey(alice, Duration.ofDays(1)).certificate().getSerialNumber();
        BigInteger b1 = ca.issueWithNewKey(bob, Duration.ofDays(1)).certificate().getSerialNumber();
        BigInteger agent1 = ca.issueWithNewKey(aliceAgent, Duration.ofDays(1)).certificate().getSerialNumber();
        ca.revoke(a1, "first");

        assertEquals(1, ca.revokeAll(alice, "left the team"));
        assertTrue(ca.isRevoked(a1) && ca.isRevoked(a2));
        assertFalse(ca.isRevoked(b1));
        assertFalse(ca.isRevoked(agent1), "same name, other kind");
        assertEquals(0, ca.revokeAll(alice, "again"));
    }

    @Test
    void otherInstancesLearnRevocationsOnRefresh() {
        CertificateAuthorityService second = startInstance(); // same database, same key file
        assertEquals(ca.caCertificate(), second.caCertificate());
        BigInteger serial = ca.issueWithNewKey(new Identity(Identity.Kind.AGENT, "db-1"), Duration.ofDays(1))
                .certificate().getSerialNumber();
        ca.revoke(serial, "compromised");
        assertFalse(second.isRevoked(serial), "not before its refresh");
        second.refreshRevocations();
        assertTrue(second.isRevoked(serial));
    }

    @Test
    void revocationsAreReadFromTheDatabaseOnStart() {
        BigInteger serial = ca.issueWithNewKey(new Identity(Identity.Kind.AGENT, "db-1"), Duration.ofDays(1))
                .certificate().getSerialNumber();
        ca.revoke(serial, "compromised");
        assertTrue(startInstance().isRevoked(serial));
    }

    @Test
    void theRefresherRunsOnItsOwn() throws Exception {
        CertificateAuthorityService quick = new CertificateAuthorityService(store,
                new CaSettings(dir.resolve("labd-master.key"), 10, Duration.ofMillis(50)), Clock.systemUTC());
        started.add(quick);
        BigInteger serial = ca.issueWithNewKey(new Identity(Identity.Kind.AGENT, "db-2"), Duration.ofDays(1))
                .certificate().getSerialNumber();
        ca.revoke(serial, "compromised");
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!quick.isRevoked(serial) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(quick.isRevoked(serial));
    }

    @Test
    void certificatesOfListsNewestFirstWithRevocations() {
        Identity agent = new Identity(Identity.Kind.AGENT, "web-01");
        BigInteger older = ca.issueWithNewKey(agent, Duration.ofDays(1)).certificate().getSerialNumber();
        BigInteger newer = ca.issueWithNewKey(agent, Duration.ofDays(1)).certificate().getSerialNumber();
        ca.issueWithNewKey(new Identity(Identity.Kind.AGENT, "web-02"), Duration.ofDays(1));
        ca.revoke(older, "rotated");

        List<IssuedCertificate> list = ca.certificatesOf(agent);
        assertEquals(List.of(newer, older), list.stream().map(IssuedCertificate::serial).toList());
        assertNull(list.get(0).revokedAt());
        assertTrue(list.get(1).revokedAt() != null);
        assertEquals(agent, list.get(0).identity());
    }

    @Test
    void serialsAreUniquePositiveAndAtMost128Bits() {
        Set<BigInteger> serials = new HashSet<>();
        Identity agent = new Identity(Identity.Kind.AGENT, "many");
        for (int i = 0; i < 200; i++) {
            BigInteger serial = ca.issueWithNewKey(agent, Duration.ofMinutes(10)).certificate().getSerialNumber();
            assertEquals(1, serial.signum());
            assertTrue(serial.bitLength() <= 128);
            serials.add(serial);
        }
        assertEquals(200, serials.size());
        // 200 random 128-bit serials: at least one uses the top byte, so they are not small counters
        assertTrue(serials.stream().anyMatch(s -> s.bitLength() > 120));
    }

    @Test
    void caPinIsTheSha256OfTheCaCertificate() throws Exception {
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ca.caCertificate().getEncoded()));
        assertEquals(expected, ca.caPin());
        assertNotEquals(expected, new CertificateAuthorityService(new InMemoryCaStoreForTests(),
                new CaSettings(dir.resolve("third.key"), 10, Duration.ofHours(1)), Clock.systemUTC()).caPin());
    }

    @Test
    void theKarafEtcDefaultIsResolved() {
        String previous = System.getProperty("karaf.etc");
        try {
            System.setProperty("karaf.etc", dir.toString());
            assertEquals(dir.resolve("labd-master.key"), CaSettings.resolveKeyFile("${karaf.etc}/labd-master.key"));
            System.clearProperty("karaf.etc");
            assertEquals(Path.of("etc/labd-master.key").toAbsolutePath(), CaSettings.resolveKeyFile(""));
            assertEquals(Path.of("/srv/key"), CaSettings.resolveKeyFile("/srv/key"));
        } finally {
            if (previous != null) {
                System.setProperty("karaf.etc", previous);
            }
        }
    }

    private void validatesAgainstCa(X509Certificate cert) throws Exception {
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca.caCertificate(), null)));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(cert)), parameters);
    }
}
