package io.labctl.ca.internal;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/** The unsealed root CA: its certificate and private key, held in memory only. */
record CaMaterial(X509Certificate certificate, PrivateKey privateKey) {
    @Override
    public String toString() {
        return "CaMaterial[" + certificate.getSubjectX500Principal().getName() + "]"; // never the key
    }
}
