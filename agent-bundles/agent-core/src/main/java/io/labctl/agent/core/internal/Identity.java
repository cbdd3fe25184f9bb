package io.labctl.agent.core.internal;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/** The agent's credentials: its private key, the certificate labd issued for it, and labd's CA certificate. */
record Identity(PrivateKey key, X509Certificate certificate, X509Certificate ca) {
    /** The server name the certificate carries (its CN). */
    String name() {
        String dn = certificate.getSubjectX500Principal().getName();
        for (String rdn : dn.split(",")) {
            if (rdn.startsWith("CN=")) {
                return rdn.substring(3);
            }
        }
        return dn;
    }

    /** True when the key belongs to the certificate (guards against a key/cert pair from two generations). */
    boolean keyMatchesCertificate() {
        return KeyPairs.belongTogether(key, certificate.getPublicKey());
    }
}
