package io.labctl.ca.internal;

import io.labctl.protocol.Pem;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Builds PKCS#10 requests for tests, good and bad. */
final class TestCsrs {
    private TestCsrs() {}

    static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    static KeyPair rsa(int bits) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits);
        return g.generateKeyPair();
    }

    static KeyPair ed25519() throws Exception {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    /** DER of a request for subjectKey's public key, signed with signingKey (normally subjectKey's own). */
    static byte[] der(KeyPair subjectKey, PrivateKey signingKey, String signatureAlgorithm, String cn) throws Exception {
        PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + cn),
                subjectKey.getPublic()).build(new JcaContentSignerBuilder(signatureAlgorithm).build(signingKey));
        return csr.getEncoded();
    }

    static String pem(byte[] der) {
        return Pem.encode("CERTIFICATE REQUEST", der);
    }

    static String ecP256(String cn) throws Exception {
        KeyPair k = ec("secp256r1");
        return pem(der(k, k.getPrivate(), "SHA256withECDSA", cn));
    }
}
