package io.labctl.ca.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootCaBootstrapTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    private final InMemoryCaStoreForTests store = new InMemoryCaStoreForTests();

    private CaMaterial start(Path keyFile) {
        return new RootCaBootstrap(store, keyFile, RANDOM).openOrCreate(10, Instant.now());
    }

    @Test
    void firstStartCreatesTheKeyFileAndARootWithTheRightShape() throws Exception {
        Path keyFile = dir.resolve("labd-master.key");
        Instant before = Instant.now();
        CaMaterial ca = start(keyFile);
        X509Certificate root = ca.certificate();

        assertTrue(Files.exists(keyFile));
        assertEquals("CN=labctl root CA,O=labctl", root.getSubjectX500Principal().getName());
        assertEquals(root.getSubjectX500Principal(), root.getIssuerX500Principal());
        root.verify(root.getPublicKey()); // self-signed
        assertEquals("EC", root.getPublicKey().getAlgorithm());
        assertEquals(org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp256r1, org.bouncycastle.asn1.x509.SubjectPublicKeyInfo
                .getInstance(root.getPublicKey().getEncoded()).getAlgorithm().getParameters(), "P-256");
        assertEquals(Integer.MAX_VALUE, root.getBasicConstraints(), "CA:true without a path length limit");
        assertTrue(root.getCriticalExtensionOIDs().contains("2.5.29.19"), "basicConstraints is critical");
        boolean[] usage = root.getKeyUsage();
        assertTrue(usage[5] && usage[6], "keyCertSign and cRLSign");
        assertFalse(usage[0], "no digitalSignature on the root");
        long years = java.time.temporal.ChronoUnit.DAYS.between(root.getNotBefore().toInstant(), root.getNotAfter().toInstant());
        assertTrue(years >= 3652 && years <= 3654, "about ten years: " + years + " days");
        assertTrue(root.getNotBefore().toInstant().isBefore(before));
    }

    @Test
    void theStoredKeyIsSealedUnderTheKeyFileAndNothingElse() throws Exception {
        Path keyFile = dir.resolve("labd-master.key");
        CaMaterial ca = start(keyFile);
        CaKeyRow row = store.storedCa(RootCaBootstrap.ROOT_NAME);
        byte[] pkcs8 = ca.privateKey().getEncoded();

        assertFalse(java.util.Collections.indexOfSubList(bytes(row.sealedKey), bytes(pkcs8)) >= 0, "no plain key in the row");
        MasterKey fromFile = MasterKeyFile.read(keyFile, RANDOM).orElseThrow();
        assertEquals(fromFile.keyCheck(), row.keyCheck);
        byte[] opened = fromFile.open(row.sealedKey, RootCaBootstrap.associatedData(row.name));
        assertArrayEquals(pkcs8, opened);
        assertEquals(ca.privateKey(), KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(opened)));
    }

    @Test
    void laterStartsOpenTheSameCa() {
        Path keyFile = dir.resolve("labd-master.key");
        CaMaterial first = start(keyFile);
        CaMaterial again = start(keyFile);
        assertEquals(first.certificate(), again.certificate());
        assertEquals(first.privateKey(), again.privateKey());
    }

    @Test
    void aMissingKeyFileWithAnExistingCaIsRefusedNamingTheFile() throws Exception {
        Path keyFile = dir.resolve("labd-master.key");
        start(keyFile);
        Files.delete(keyFile);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> start(keyFile));
        assertTrue(e.getMessage().contains(keyFile.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("Copy labd-master.key from the first labd instance"), e.getMessage());
        assertFalse(Files.exists(keyFile), "no new key is made up when the database already has a CA");
    }

    @Test
    void aDifferentKeyFileIsDetectedWithTheFix() throws Exception {
        Path keyFile = dir.resolve("labd-master.key");
        start(keyFile);
        Path otherKey = dir.resolve("other/labd-master.key");
        MasterKeyFile.readOrCreate(otherKey, RANDOM);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> start(otherKey));
        assertTrue(e.getMessage().contains(otherKey.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
        assertTrue(e.getMessage().contains("Copy labd-master.key from the first labd instance"), e.getMessage());
    }

    @Test
    void anAlteredSealedKeyIsReportedAsADamagedRowNotAWrongFile() {
        Path keyFile = dir.resolve("labd-master.key");
        start(keyFile);
        store.storedCa(RootCaBootstrap.ROOT_NAME).sealedKey[20] ^= 0x01;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> start(keyFile));
        assertTrue(e.getMessage().contains("altered or damaged"), e.getMessage());
        assertTrue(e.getMessage().contains("Restore ca_keys"), e.getMessage());
    }

    @Test
    void aSwappedCertificateIsDetected() {
        Path keyFile = dir.resolve("labd-master.key");
        start(keyFile);
        X509Certificate foreign = new CertificateMaker(RANDOM).selfSignedRoot(EcKeys.newP256(RANDOM),
                Instant.now(), Instant.now().plusSeconds(3600));
        store.storedCa(RootCaBootstrap.ROOT_NAME).certificatePem = io.labctl.protocol.Pem.certificate(foreign);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> start(keyFile));
        assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
    }

    @Test
    void twoInstancesStartingAtOnceWithOneKeyShareOneCa() throws Exception {
        Path keyFile = dir.resolve("labd-master.key");
        store.meetBeforeCaInsert(new CyclicBarrier(2)); // both have seen an empty database before either inserts
        List<Object> results = startConcurrently(keyFile, keyFile);
        CaMaterial a = (CaMaterial) results.get(0);
        CaMaterial b = (CaMaterial) results.get(1);
        assertEquals(a.certificate(), b.certificate());
        assertEquals(a.certificate(), io.labctl.protocol.Pem.certificate(store.storedCa(RootCaBootstrap.ROOT_NAME).certificatePem));
    }

    @Test
    void twoInstancesStartingAtOnceWithDifferentKeysLeaveExactlyOneWorking() throws Exception {
        Path keyA = dir.resolve("a/labd-master.key");
        Path keyB = dir.resolve("b/labd-master.key");
        store.meetBeforeCaInsert(new CyclicBarrier(2));
        List<Object> results = startConcurrently(keyA, keyB);
        long started = results.stream().filter(r -> r instanceof CaMaterial).count();
        assertEquals(1, started);
        Throwable failure = (Throwable) results.stream().filter(r -> r instanceof Throwable).findFirst().orElseThrow();
        assertTrue(failure.getMessage().contains("does not match"), failure.getMessage());
        assertTrue(failure.getMessage().contains("Copy labd-master.key from the first labd instance"), failure.getMessage());
    }

    private List<Object> startConcurrently(Path keyFileA, Path keyFileB) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<CaMaterial>> futures = List.of(pool.submit(() -> start(keyFileA)), pool.submit(() -> start(keyFileB)));
            List<Object> out = new ArrayList<>();
            for (Future<CaMaterial> f : futures) {
                try {
                    out.add(f.get(60, TimeUnit.SECONDS));
                } catch (java.util.concurrent.ExecutionException e) {
                    out.add(e.getCause());
                }
            }
            assertNotNull(out.get(0));
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<Byte> bytes(byte[] array) {
        List<Byte> out = new ArrayList<>(array.length);
        for (byte b : array) {
            out.add(b);
        }
        return out;
    }
}
