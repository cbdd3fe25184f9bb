package io.labctl.ca.internal;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Builds and signs X.509 certificates: the self-signed root and the leaves it issues. No storage here. */
final class CertificateMaker {
    static final String ROOT_SUBJECT = "CN=labctl root CA,O=labctl";
    static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

    /** What a leaf is for: client only, or a TLS server that also connects as a client. */
    enum LeafPurpose {
        CLIENT(KeyPurposeId.id_kp_clientAuth),
        SERVER(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth);

        private final KeyPurposeId[] purposes;

        LeafPurpose(KeyPurposeId... purposes) {
            this.purposes = purposes;
        }
    }

    private final SecureRandom random;

    CertificateMaker(SecureRandom random) {
        this.random = random;
    }

    X509Certificate selfSignedRoot(KeyPair keyPair, Instant notBefore, Instant notAfter) {
        try {
            X500Principal subject = new X500Principal(ROOT_SUBJECT);
            JcaX509ExtensionUtils ids = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, randomSerial(),
                    Date.from(notBefore), Date.from(notAfter), subject, keyPair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ids.createSubjectKeyIdentifier(keyPair.getPublic()));
            return sign(builder, keyPair.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("could not build the root CA certificate: " + e.getMessage(), e);
        }
    }

    /**
     * A leaf for publicKey, signed by the CA. subject is an RFC 2253 name; it is encoded the way the JDK encodes
     * it, so {@code getSubjectX500Principal().getName()} gives the same string back.
     */
    X509Certificate leaf(X509Certificate caCertificate, PrivateKey caKey, PublicKey publicKey, String subject,
                         Instant notBefore, Instant notAfter, LeafPurpose purpose, List<GeneralName> altNames) {
        try {
            JcaX509ExtensionUtils ids = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCertificate, randomSerial(),
                    Date.from(notBefore), Date.from(notAfter), new X500Principal(subject), publicKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose.purposes))
                    .addExtension(Extension.authorityKeyIdentifier, false, ids.createAuthorityKeyIdentifier(caCertificate))
                    .addExtension(Extension.subjectKeyIdentifier, false, ids.createSubjectKeyIdentifier(publicKey));
            if (!altNames.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(altNames.toArray(GeneralName[]::new)));
            }
            return sign(builder, caKey);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("could not build a certificate for " + subject + ": " + e.getMessage(), e);
        }
    }

    /** 128 random bits, positive and never zero (RFC 5280 asks for a positive serial of at most 20 octets). */
    BigInteger randomSerial() {
        byte[] bytes = new byte[16];
        BigInteger serial;
        do {
            random.nextBytes(bytes);
            serial = new BigInteger(1, bytes);
        } while (serial.signum() == 0);
        return serial;
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey caKey) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(caKey)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign with " + SIGNATURE_ALGORITHM + ": " + e.getMessage(), e);
        }
    }
}
