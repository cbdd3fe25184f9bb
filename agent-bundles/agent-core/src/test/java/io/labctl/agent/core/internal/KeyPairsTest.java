package io.labctl.agent.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.protocol.Pem;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

class KeyPairsTest {
    @Test
    void csrCarriesTheNameAndTheKeyAndVerifies() throws Exception {
        KeyPair pair = KeyPairs.newEcP256();
        String pem = KeyPairs.csrPem("web-01.lab", pair);
        assertTrue(pem.startsWith("-----BEGIN CERTIFICATE REQUEST-----"));
        var csr = new JcaPKCS10CertificationRequest(Pem.blocks(pem, "CERTIFICATE REQUEST").get(0));
        assertEquals("web-01.lab", TestCa.commonNameOf(csr));
        assertArrayEquals(pair.getPublic().getEncoded(), csr.getPublicKey().getEncoded());
        assertTrue(csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(pair.getPublic())));
        assertFalse(pem.contains("PRIVATE"), "only the public half goes into the request");
    }

    @Test
    void keysAreP256AndMatchOnlyTheirOwnHalf() {
        KeyPair a = KeyPairs.newEcP256();
        KeyPair b = KeyPairs.newEcP256();
        assertEquals(256, ((ECPublicKey) a.getPublic()).getParams().getCurve().getField().getFieldSize());
        assertTrue(KeyPairs.belongTogether(a.getPrivate(), a.getPublic()));
        assertFalse(KeyPairs.belongTogether(a.getPrivate(), b.getPublic()));
    }
}
