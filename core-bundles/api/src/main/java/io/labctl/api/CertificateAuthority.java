package io.labctl.api;

import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * labd's certificate authority. Its root key lives in the database only sealed (AES-GCM) under a master key
 * kept in a file beside labd's configuration, so instances that share a database share one CA.
 */
@ProviderType
public interface CertificateAuthority {

    /** A CSR whose signature checked out (proof that the requester holds the key). */
    @ProviderType
    interface VerifiedCsr {
        /** The CN the CSR asks for, or null. */
        String requestedName();

        PublicKey publicKey();
    }

    /** A certificate with its private key, for identities whose key labd creates (admin, labd itself). */
    record KeyPairCertificate(X509Certificate certificate, PrivateKey privateKey) {}

    /** An issued certificate as recorded. */
    record IssuedCertificate(BigInteger serial, Identity identity, Instant notBefore, Instant notAfter,
                             Instant revokedAt) {}

    X509Certificate caCertificate();

    /** SHA-256 of the CA certificate's DER encoding in lower-case hex: what join tokens pin. */
    String caPin();

    /** Parses a PEM PKCS#10 request and checks its signature; a clear {@link ApiException} if either fails. */
    VerifiedCsr verify(String csrPem);

    /** Signs a client certificate for the identity over the CSR's public key. */
    X509Certificate issue(VerifiedCsr csr, Identity identity, Duration validity);

    /**
     * Renews a client certificate: verifies the CSR (proof of the new key), requires it to ask for the identity's
     * own name, and signs it for that identity. The one renewal path for agents and users; the caller has already
     * checked that the identity may still hold a certificate.
     */
    X509Certificate renew(String csrPem, Identity identity, Duration validity);

    /** Creates a key pair and a client certificate for it (used for bundles labd hands out). */
    KeyPairCertificate issueWithNewKey(Identity identity, Duration validity);

    /** labd's own TLS server key and certificate chain (leaf first, then the CA), with the given DNS names and IPs. */
    KeyPairCertificate serverCertificate(String hostName, List<String> subjectAltNames, Duration validity);

    /** Revokes a serial; connections presenting it are refused from now on. Returns false if unknown. */
    boolean revoke(BigInteger serial, String reason);

    /** Revokes every unrevoked certificate of an identity; returns how many. */
    int revokeAll(Identity identity, String reason);

    boolean isRevoked(BigInteger serial);

    /** Issued certificates of an identity, newest first. */
    List<IssuedCertificate> certificatesOf(Identity identity);
}
