package io.labctl.ca.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.ApiException;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;

class CsrVerifierTest {

    @Test
    void aGoodP256RequestYieldsItsKeyAndName() throws Exception {
        KeyPair key = TestCsrs.ec("secp256r1");
        VerifiedRequest verified = CsrVerifier.verify(TestCsrs.pem(TestCsrs.der(key, key.getPrivate(), "SHA256withECDSA", "web-01")));
        assertEquals("web-01", verified.requestedName());
        assertEquals(key.getPublic(), verified.publicKey());
    }

    @Test
    void p384AndRsa2048AreAccepted() throws Exception {
        KeyPair p384 = TestCsrs.ec("secp384r1");
        assertEquals(p384.getPublic(), CsrVerifier.verify(TestCsrs.pem(TestCsrs.der(p384, p384.getPrivate(), "SHA384withECDSA", "a"))).publicKey());
        KeyPair rsa = TestCsrs.rsa(2048);
        assertEquals(rsa.getPublic(), CsrVerifier.verify(TestCsrs.pem(TestCsrs.der(rsa, rsa.getPrivate(), "SHA256withRSA", "b"))).publicKey());
    }

    @Test
    void theOlderNewCertificateRequestLabelIsRead() throws Exception {
        KeyPair key = TestCsrs.ec("secp256r1");
        String pem = io.labctl.protocol.Pem.encode("NEW CERTIFICATE REQUEST", TestCsrs.der(key, key.getPrivate(), "SHA256withECDSA", "x"));
        assertEquals(key.getPublic(), CsrVerifier.verify(pem).publicKey());
    }

    @Test
    void aRequestWithoutCommonNameHasNoRequestedName() throws Exception {
        KeyPair key = TestCsrs.ec("secp256r1");
        var csr = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(
                new org.bouncycastle.asn1.x500.X500Name("O=somewhere"), key.getPublic())
                .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate()));
        assertNull(CsrVerifier.verify(TestCsrs.pem(csr.getEncoded())).requestedName());
    }

    @Test
    void aTamperedSignatureIsRefused() throws Exception {
        KeyPair key = TestCsrs.ec("secp256r1");
        byte[] der = TestCsrs.der(key, key.getPrivate(), "SHA256withECDSA", "web-01");
        der[der.length - 1] ^= 0x01; // the signature is the last element of the DER
        ApiException e = refused(TestCsrs.pem(der));
        assertTrue(e.getMessage().contains("signature does not verify"), e.getMessage());
    }

    @Test
    void aTamperedSubjectIsRefused() throws Exception {
        KeyPair key = TestCsrs.ec("secp256r1");
        byte[] der = TestCsrs.der(key, key.getPrivate(), "SHA256withECDSA", "web-01");
        String asLatin1 = new String(der, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = asLatin1.indexOf("web-01");
        der[at] = 'x'; // now asks for "xeb-01" under a signature made for "web-01"
        ApiException e = refused(TestCsrs.pem(der));
        assertTrue(e.getMessage().contains("signature does not verify"), e.getMessage());
    }

    @Test
    void aRequestSignedWithAnotherKeyIsRefused() throws Exception {
        KeyPair claimed = TestCsrs.ec("secp256r1");
        KeyPair other = TestCsrs.ec("secp256r1");
        ApiException e = refused(TestCsrs.pem(TestCsrs.der(claimed, other.getPrivate(), "SHA256withECDSA", "web-01")));
        assertTrue(e.getMessage().contains("not signed with the private key"), e.getMessage());
    }

    @Test
    void weakOrUnsupportedKeysAreRefusedWithTheReason() throws Exception {
        KeyPair rsa1024 = TestCsrs.rsa(1024);
        assertTrue(refused(TestCsrs.pem(TestCsrs.der(rsa1024, rsa1024.getPrivate(), "SHA256withRSA", "a")))
                .getMessage().contains("1024 bits"));
        KeyPair p521 = TestCsrs.ec("secp521r1");
        assertTrue(refused(TestCsrs.pem(TestCsrs.der(p521, p521.getPrivate(), "SHA512withECDSA", "a")))
                .getMessage().contains("use P-256"));
        KeyPair ed = TestCsrs.ed25519();
        assertTrue(refused(TestCsrs.pem(TestCsrs.der(ed, ed.getPrivate(), "Ed25519", "a")))
                .getMessage().contains("key type"));
    }

    @Test
    void garbageIsRefusedClearly() {
        assertTrue(refused(null).getMessage().contains("no certificate signing request"));
        assertTrue(refused("   ").getMessage().contains("no certificate signing request"));
        assertTrue(refused("hello").getMessage().contains("BEGIN CERTIFICATE REQUEST"));
        assertTrue(refused(TestCsrs.pem(new byte[] {0x30, 0x03, 0x02, 0x01, 0x01})).getMessage().contains("PKCS#10"));
        // damaged base64 must end as the same 400, not as an unexpected exception
        refused("-----BEGIN CERTIFICATE REQUEST-----\nAA=A\n-----END CERTIFICATE REQUEST-----\n");
    }

    @Test
    void twoRequestsInOnePemAreRefused() throws Exception {
        String one = TestCsrs.ecP256("a");
        assertTrue(refused(one + one).getMessage().contains("exactly one"));
    }

    @Test
    void oversizedInputIsRefusedBeforeParsing() throws Exception {
        String good = TestCsrs.ecP256("a");
        String padded = good + " ".repeat(CsrVerifier.MAX_PEM_CHARS);
        ApiException e = refused(padded);
        assertTrue(e.getMessage().contains("at most " + CsrVerifier.MAX_PEM_CHARS), e.getMessage());
    }

    private static ApiException refused(String pem) {
        ApiException e = assertThrows(ApiException.class, () -> CsrVerifier.verify(pem));
        assertEquals(400, e.status());
        assertEquals("invalid-csr", e.code());
        return e;
    }
}
