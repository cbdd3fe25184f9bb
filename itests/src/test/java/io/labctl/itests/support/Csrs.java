package io.labctl.itests.support;

import io.labctl.protocol.Pem;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Certificate requests and certificates made the way an attacker or a broken agent would. */
public final class Csrs {
    private Csrs() {}

    public static KeyPair ecKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    public static String csr(String cn, KeyPair key) throws Exception {
        return csr(cn, key, key);
    }

    /** A CSR carrying one key's public half but signed with another key: proof of possession fails. */
    public static String csr(String cn, KeyPair publicFrom, KeyPair signedWith) throws Exception {
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(signedWith.getPrivate());
        PKCS10CertificationRequest req = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + cn), publicFrom.getPublic()).build(signer);
        return Pem.encode("CERTIFICATE REQUEST", req.getEncoded());
    }

    /** A self-made CA and a client certificate from it with a subject that copies a real labd identity. */
    public static Object[] foreignClient(String subject) throws Exception {
        KeyPair caKey = ecKey();
        X500Name caName = new X500Name("CN=labctl root CA,O=labctl");
        Date from = new Date(System.currentTimeMillis() - 60_000);
        Date to = new Date(System.currentTimeMillis() + 86_400_000L);
        ContentSigner caSigner = new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.getPrivate());
        JcaX509v3CertificateBuilder cab = new JcaX509v3CertificateBuilder(caName, BigInteger.ONE, from, to, caName, caKey.getPublic());
        cab.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        var ca = new JcaX509CertificateConverter().getCertificate(cab.build(caSigner));
        KeyPair leafKey = ecKey();
        var leaf = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(caName, BigInteger.TWO, from, to,
                new X500Name(subject), leafKey.getPublic()).build(caSigner));
        return new Object[] {ca, leaf, leafKey.getPrivate()};
    }
}
