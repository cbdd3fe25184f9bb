package io.labctl.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

class IdentityTest {
    static X509Certificate withSubject(String subject) throws Exception {
        KeyPair k = KeyPairGenerator.getInstance("EC").generateKeyPair();
        X500Name name = new X500Name(subject);
        return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                new Date(), new Date(System.currentTimeMillis() + 60_000), name, k.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(k.getPrivate())));
    }

    @Test
    void subjectsRoundTrip() throws Exception {
        for (Identity id : new Identity[] {new Identity(Identity.Kind.AGENT, "web-1"), new Identity(Identity.Kind.USER, "admin"),
                new Identity(Identity.Kind.LABD, "labd.example.org")}) {
            assertEquals(id, Identity.of(withSubject(id.subject())));
        }
        assertTrue(new Identity(Identity.Kind.USER, "admin").isAdmin());
        assertFalse(new Identity(Identity.Kind.AGENT, "admin").isAdmin(), "an agent named admin is not the admin");
    }

    @Test
    void foreignSubjectsNameNoIdentity() throws Exception {
        assertNull(Identity.of(withSubject("CN=admin,OU=user,O=evil")));
        assertNull(Identity.of(withSubject("CN=admin,OU=root,O=labctl")));
        assertNull(Identity.of(withSubject("OU=user,O=labctl")));
    }
}
