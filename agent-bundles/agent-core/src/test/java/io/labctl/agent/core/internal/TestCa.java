package io.labctl.agent.core.internal;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import io.labctl.protocol.Pem;

/** Test helper: a throwaway CA built with Bouncy Castle, standing in for labd's. */
final class TestCa {
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    final KeyPair keys;
    final X509Certificate certificate;

    private TestCa(KeyPair keys, X509Certificate certificate) {
        this.keys = keys;
        this.certificate = certificate;
    }

    static TestCa create(String commonName) throws Exception {
        KeyPair keys = KeyPairs.newEcP256();
        X500Name name = new X500Name("CN=" + commonName);
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(SERIALS.incrementAndGet()),
                Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(365))), name, keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        return new TestCa(keys, sign(builder, keys));
    }

    /** A leaf for a server: SANs are DNS names, or IP addresses when they start with a digit. */
    X509Certificate issue(PublicKey subjectKey, String commonName, Instant notBefore, Instant notAfter,
                          String... subjectAltNames) throws Exception {
        var builder = new JcaX509v3CertificateBuilder(certificate, BigInteger.valueOf(SERIALS.incrementAndGet()),
                Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + commonName), subjectKey);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        if (subjectAltNames.length > 0) {
            List<GeneralName> names = new ArrayList<>();
            for (String san : subjectAltNames) {
                names.add(Character.isDigit(san.charAt(0))
                        ? new GeneralName(GeneralName.iPAddress, san) : new GeneralName(GeneralName.dNSName, san));
            }
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])));
        }
        return sign(builder, keys);
    }

    X509Certificate issue(PublicKey subjectKey, String commonName, String... subjectAltNames) throws Exception {
        Instant now = Instant.now();
        return issue(subjectKey, commonName, now.minusSeconds(60), now.plus(Duration.ofDays(30)), subjectAltNames);
    }

    /** Signs what an agent asked for, as labd's enrolment does. */
    X509Certificate issueFromCsr(String csrPem, Duration lifetime) throws Exception {
        var csr = new JcaPKCS10CertificationRequest(Pem.blocks(csrPem, "CERTIFICATE REQUEST").get(0));
        Instant now = Instant.now();
        return issue(csr.getPublicKey(), commonNameOf(csr), now.minusSeconds(60), now.plus(lifetime));
    }

    static String commonNameOf(PKCS10CertificationRequest csr) {
        return IETFUtils.valueToString(csr.getSubject().getRDNs(BCStyle.CN)[0].getFirst().getValue());
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder builder, KeyPair issuer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
    }
}
