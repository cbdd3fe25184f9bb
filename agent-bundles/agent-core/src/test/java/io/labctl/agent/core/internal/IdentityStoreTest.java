package io.labctl.agent.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.protocol.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityStoreTest {
    static TestCa ca;

    @TempDir
    Path tmp;

    @BeforeAll
    static void ca() throws Exception {
        ca = TestCa.create("labd CA");
    }

    @Test
    void nothingStoredMeansNotEnrolled() throws IOException {
        assertNull(new IdentityStore(tmp.resolve("identity")).load());
    }

    @Test
    void storesOwnerOnlyFilesInAnOwnerOnlyDirectoryAndReadsThemBack() throws Exception {
        Path dir = tmp.resolve("karaf/identity");
        IdentityStore store = new IdentityStore(dir);
        KeyPair pair = KeyPairs.newEcP256();
        X509Certificate cert = ca.issue(pair.getPublic(), "web-01");
        store.store(pair.getPrivate(), cert, ca.certificate);

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        for (String file : List.of("agent.key", "agent.crt", "ca.crt")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(file))), file);
        }
        assertTrue(Files.readString(dir.resolve("agent.key")).startsWith("-----BEGIN PRIVATE KEY-----"), "PKCS#8 PEM");
        assertEquals(List.of("agent.crt", "agent.key", "ca.crt"), names(dir), "no temporary or staged files left behind");

        Identity back = store.load();
        assertEquals(cert, back.certificate());
        assertEquals(ca.certificate, back.ca());
        assertEquals("web-01", back.name());
        assertTrue(back.keyMatchesCertificate());
    }

    @Test
    void tightensADirectoryThatExistedWithLooserPermissions() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("identity"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        KeyPair pair = KeyPairs.newEcP256();
        new IdentityStore(dir).store(pair.getPrivate(), ca.issue(pair.getPublic(), "web-01"), ca.certificate);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    }

    @Test
    void replacingKeepsKeyAndCertificateTogether() throws Exception {
        IdentityStore store = new IdentityStore(tmp.resolve("identity"));
        KeyPair first = KeyPairs.newEcP256();
        store.store(first.getPrivate(), ca.issue(first.getPublic(), "web-01"), ca.certificate);
        KeyPair second = KeyPairs.newEcP256();
        X509Certificate renewed = ca.issue(second.getPublic(), "web-01");
        store.store(second.getPrivate(), renewed, ca.certificate);
        Identity back = store.load();
        assertEquals(renewed, back.certificate());
        assertTrue(back.keyMatchesCertificate());
    }

    @Test
    void aSwapCutShortByACrashIsFinishedOnTheNextLoad() throws Exception {
        Path dir = tmp.resolve("identity");
        IdentityStore store = new IdentityStore(dir);
        KeyPair old = KeyPairs.newEcP256();
        store.store(old.getPrivate(), ca.issue(old.getPublic(), "web-01"), ca.certificate);
        // the state after a crash between moving the new key and moving the new certificate into place
        KeyPair fresh = KeyPairs.newEcP256();
        X509Certificate freshCert = ca.issue(fresh.getPublic(), "web-01");
        Files.writeString(dir.resolve("agent.key"), Pem.privateKey(fresh.getPrivate()));
        Files.writeString(dir.resolve("agent.crt.new"), Pem.certificate(freshCert));

        Identity back = store.load();
        assertEquals(freshCert, back.certificate());
        assertTrue(back.keyMatchesCertificate());
        assertFalse(Files.exists(dir.resolve("agent.crt.new")));
    }

    @Test
    void aStagedKeyWithoutItsCertificateIsDiscardedAndTheOldPairKept() throws Exception {
        Path dir = tmp.resolve("identity");
        IdentityStore store = new IdentityStore(dir);
        KeyPair old = KeyPairs.newEcP256();
        X509Certificate oldCert = ca.issue(old.getPublic(), "web-01");
        store.store(old.getPrivate(), oldCert, ca.certificate);
        Files.writeString(dir.resolve("agent.key.new"), Pem.privateKey(KeyPairs.newEcP256().getPrivate()));

        assertEquals(oldCert, store.load().certificate());
        assertFalse(Files.exists(dir.resolve("agent.key.new")));
    }

    @Test
    void aKeyThatDoesNotBelongToTheCertificateIsReportedNotUsed() throws Exception {
        Path dir = tmp.resolve("identity");
        IdentityStore store = new IdentityStore(dir);
        KeyPair pair = KeyPairs.newEcP256();
        store.store(pair.getPrivate(), ca.issue(pair.getPublic(), "web-01"), ca.certificate);
        Files.writeString(dir.resolve("agent.key"), Pem.privateKey(KeyPairs.newEcP256().getPrivate()));
        IOException e = assertThrows(IOException.class, store::load);
        assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
