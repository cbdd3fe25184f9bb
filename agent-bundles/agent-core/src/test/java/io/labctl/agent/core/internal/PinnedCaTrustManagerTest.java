package io.labctl.agent.core.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.protocol.Pem;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PinnedCaTrustManagerTest {
    static TestCa labdCa;
    static TestCa otherCa;
    static X509Certificate labdLeaf;

    @BeforeAll
    static void cas() throws Exception {
        labdCa = TestCa.create("labd CA");
        otherCa = TestCa.create("impostor CA");
        labdLeaf = labdCa.issue(KeyPairs.newEcP256().getPublic(), "labd", "labd.example");
    }

    @Test
    void acceptsAChainEndingInThePinnedCa() {
        var trust = new PinnedCaTrustManager(Pem.sha256Hex(labdCa.certificate));
        assertDoesNotThrow(() -> trust.checkServerTrusted(new X509Certificate[] {labdLeaf, labdCa.certificate}, "ECDHE_ECDSA"));
        assertFalse(trust.sawPinMismatch());
    }

    @Test
    void refusesAnotherCaAndSaysThePinDoesNotMatch() throws Exception {
        var trust = new PinnedCaTrustManager(Pem.sha256Hex(labdCa.certificate));
        X509Certificate impostorLeaf = otherCa.issue(KeyPairs.newEcP256().getPublic(), "labd", "labd.example");
        var e = assertThrows(CertificateException.class,
                () -> trust.checkServerTrusted(new X509Certificate[] {impostorLeaf, otherCa.certificate}, "ECDHE_ECDSA"));
        assertEquals("labd's CA does not match the pin in the join token", e.getMessage());
        assertTrue(trust.sawPinMismatch());
    }

    @Test
    void refusesALeafNotSignedByThePinnedCaEvenWhenTheCaIsAppended() throws Exception {
        var trust = new PinnedCaTrustManager(Pem.sha256Hex(labdCa.certificate));
        // a CA with the very same name but another key: only the signature check can tell
        TestCa lookalike = TestCa.create("labd CA");
        X509Certificate forged = lookalike.issue(KeyPairs.newEcP256().getPublic(), "labd", "labd.example");
        assertEquals(labdCa.certificate.getSubjectX500Principal(), forged.getIssuerX500Principal());
        assertThrows(CertificateException.class,
                () -> trust.checkServerTrusted(new X509Certificate[] {forged, labdCa.certificate}, "ECDHE_ECDSA"));
        assertFalse(trust.sawPinMismatch(), "the CA matched; the link did not");
    }

    @Test
    void refusesAnExpiredLeafAndALoneCertificate() throws Exception {
        var trust = new PinnedCaTrustManager(Pem.sha256Hex(labdCa.certificate));
        Instant now = Instant.now();
        X509Certificate expired = labdCa.issue(KeyPairs.newEcP256().getPublic(), "labd",
                now.minusSeconds(7200), now.minusSeconds(3600), "labd.example");
        assertThrows(CertificateException.class,
                () -> trust.checkServerTrusted(new X509Certificate[] {expired, labdCa.certificate}, "ECDHE_ECDSA"));
        assertThrows(CertificateException.class,
                () -> trust.checkServerTrusted(new X509Certificate[] {labdCa.certificate}, "ECDHE_ECDSA"));
    }

    @Test
    void trustsNoClients() {
        var trust = new PinnedCaTrustManager(Pem.sha256Hex(labdCa.certificate));
        assertThrows(CertificateException.class,
                () -> trust.checkClientTrusted(new X509Certificate[] {labdLeaf, labdCa.certificate}, "ECDHE_ECDSA"));
        assertEquals(0, trust.getAcceptedIssuers().length);
    }
}
