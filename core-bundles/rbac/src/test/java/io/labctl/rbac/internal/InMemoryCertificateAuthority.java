package io.labctl.rbac.internal;

import io.labctl.api.CertificateAuthority;
import io.labctl.api.Identity;
import io.labctl.protocol.Pem;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Test double for labd's CA: issues real EC certificates in memory (so a test can check key and certificate belong
 * together) and keeps issued certificates and revocations in a map. Nothing is stored, no CSRs, no server
 * certificates.
 */
final class InMemoryCertificateAuthority implements CertificateAuthority {
    private final SecureRandom random = new SecureRandom();
    private final KeyPair caKeys = newKeys();
    private final X509Certificate caCertificate;
    private final Map<BigInteger, IssuedCertificate> issued = new ConcurrentHashMap<>();

    InMemoryCertificateAuthority() {
        X500Principal name = new X500Principal("CN=test ca,O=labctl");
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(Instant.now().minusSeconds(60)),
                    Date.from(Instant.now().plus(Duration.ofDays(400))), name, caKeys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign));
            caCertificate = sign(b);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair newKeys() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private BigInteger serial() {
        return new BigInteger(63, random).add(BigInteger.ONE);
    }

    private X509Certificate sign(X509v3CertificateBuilder builder) throws OperatorCreationException, java.security.cert.CertificateException {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
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
        throw new UnsupportedOperationException("not used by access-control tests");
    }

    @Override
    public X509Certificate renew(String csrPem, Identity identity, Duration validity) {
        throw new UnsupportedOperationException("not used by access-control tests");
    }

    @Override
    public X509Certificate issue(VerifiedCsr csr, Identity identity, Duration validity) {
        throw new UnsupportedOperationException("not used by access-control tests");
    }

    @Override
    public KeyPairCertificate issueWithNewKey(Identity identity, Duration validity) {
        try {
            KeyPair keys = newKeys();
            Instant now = Instant.now();
            BigInteger serial = serial();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCertificate.getSubjectX500Principal(), serial,
                    Date.from(now.minusSeconds(60)), Date.from(now.plus(validity)), new X500Principal(identity.subject()),
                    keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            X509Certificate c = sign(b);
            issued.put(serial, new IssuedCertificate(serial, identity, c.getNotBefore().toInstant(),
                    c.getNotAfter().toInstant(), null));
            return new KeyPairCertificate(c, keys.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public KeyPairCertificate serverCertificate(String hostName, List<String> subjectAltNames, Duration validity) {
        throw new UnsupportedOperationException("not used by access-control tests");
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
        return issued.values().stream().filter(c -> c.identity().equals(identity))
                .sorted(Comparator.comparing(IssuedCertificate::notBefore).reversed()).toList();
    }
}
