package io.labctl.web.internal;

import io.labctl.api.CertificateAuthority;
import io.labctl.api.Identity;
import io.labctl.protocol.Pem;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test double for labd's CA, in memory, built with Bouncy Castle: real certificates (so TLS is real), a revocation
 * set, nothing persisted. It issues whatever subject a test asks for, including ones labd's CA never would.
 */
final class TestCertificateAuthority implements CertificateAuthority {
    private final KeyPair caKeys = newKeyPair();
    private final X509Certificate caCertificate;
    private final Map<BigInteger, IssuedCertificate> issued = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    TestCertificateAuthority(String name) {
        try {
            X500Principal subject = new X500Principal("CN=" + name + ",O=labctl");
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(30))), subject, caKeys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            caCertificate = sign(builder, caKeys.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private BigInteger serial() {
        return new BigInteger(64, random).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    /** A client certificate with any subject (tests use it for subjects labd's CA would never sign). */
    KeyPairCertificate issueForSubject(String subject, Duration validity) {
        try {
            KeyPair keys = newKeyPair();
            Instant now = Instant.now();
            BigInteger serial = serial();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCertificate.getSubjectX500Principal(),
                    serial, Date.from(now.minusSeconds(60)), Date.from(now.plus(validity)), new X500Principal(subject),
                    keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            X509Certificate certificate = sign(builder, caKeys.getPrivate());
            return new KeyPairCertificate(certificate, keys.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public X509Certificate caCertificate() {
        return caCertificate;
    }

    @Override
    public String caPin() {
        return Pem.sha256Hex(caCertificate);
    }

    @Override
    public VerifiedCsr verify(String csrPem) {
        throw new UnsupportedOperationException("CSRs are not used by the web bundle's tests");
    }

    @Override
    public X509Certificate renew(String csrPem, Identity identity, Duration validity) {
        throw new UnsupportedOperationException("CSRs are not used by the web bundle's tests");
    }

    @Override
    public X509Certificate issue(VerifiedCsr csr, Identity identity, Duration validity) {
        throw new UnsupportedOperationException("CSRs are not used by the web bundle's tests");
    }

    @Override
    public KeyPairCertificate issueWithNewKey(Identity identity, Duration validity) {
        KeyPairCertificate result = issueForSubject(identity.subject(), validity);
        X509Certificate c = result.certificate();
        issued.put(c.getSerialNumber(), new IssuedCertificate(c.getSerialNumber(), identity,
                c.getNotBefore().toInstant(), c.getNotAfter().toInstant(), null));
        return result;
    }

    @Override
    public KeyPairCertificate serverCertificate(String hostName, List<String> subjectAltNames, Duration validity) {
        try {
            KeyPair keys = newKeyPair();
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCertificate.getSubjectX500Principal(),
                    serial(), Date.from(now.minusSeconds(60)), Date.from(now.plus(validity)),
                    new X500Principal(new Identity(Identity.Kind.LABD, hostName).subject()), keys.getPublic());
            List<GeneralName> names = new ArrayList<>();
            for (String san : subjectAltNames) {
                boolean ip = san.matches("[0-9.]+") || san.contains(":");
                names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, san));
            }
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            return new KeyPairCertificate(sign(builder, caKeys.getPrivate()), keys.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean revoke(BigInteger serial, String reason) {
        IssuedCertificate c = issued.get(serial);
        if (c == null) {
            return false;
        }
        issued.put(serial, new IssuedCertificate(serial, c.identity(), c.notBefore(), c.notAfter(), Instant.now()));
        return true;
    }

    @Override
    public int revokeAll(Identity identity, String reason) {
        int n = 0;
        for (IssuedCertificate c : List.copyOf(issued.values())) {
            if (c.identity().equals(identity) && c.revokedAt() == null && revoke(c.serial(), reason)) {
                n++;
            }
        }
        return n;
    }

    @Override
    public boolean isRevoked(BigInteger serial) {
        IssuedCertificate c = issued.get(serial);
        return c != null && c.revokedAt() != null;
    }

    @Override
    public List<IssuedCertificate> certificatesOf(Identity identity) {
        return issued.values().stream().filter(c -> c.identity().equals(identity)).toList();
    }

}
