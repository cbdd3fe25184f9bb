package io.labctl.agent.core.internal;

import io.labctl.protocol.Pem;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.Locale;
import javax.net.ssl.X509TrustManager;

/**
 * Trust for the very first contact, before the agent has labd's CA: the server's chain must end in a CA
 * certificate whose SHA-256 is the pin from the join token, and every certificate must be signed by the next and
 * be valid now. Nothing else is trusted, so the token's secret is never sent to an impostor. It is a plain
 * X509TrustManager on purpose: the JDK wraps it and still checks the host name against the leaf.
 */
final class PinnedCaTrustManager implements X509TrustManager {
    static final String PIN_MISMATCH = "labd's CA does not match the pin in the join token";

    private final String pin;
    private volatile boolean pinMismatch;

    PinnedCaTrustManager(String pinHex) {
        this.pin = pinHex.toLowerCase(Locale.ROOT);
    }

    /** True once a server presented a chain whose CA is not the pinned one. */
    boolean sawPinMismatch() {
        return pinMismatch;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length < 2) {
            throw new CertificateException("labd must present its certificate and its CA certificate; got "
                    + (chain == null ? 0 : chain.length) + " certificate(s)");
        }
        X509Certificate ca = chain[chain.length - 1];
        if (!MessageDigest.isEqual(Pem.sha256Hex(ca).getBytes(StandardCharsets.US_ASCII),
                pin.getBytes(StandardCharsets.US_ASCII))) {
            pinMismatch = true;
            throw new CertificateException(PIN_MISMATCH);
        }
        Date now = new Date();
        try {
            ca.verify(ca.getPublicKey());
            if (ca.getBasicConstraints() < 0) {
                throw new CertificateException("the pinned certificate is not a CA certificate");
            }
            for (int i = chain.length - 1; i >= 0; i--) {
                chain[i].checkValidity(now);
                if (i < chain.length - 1) {
                    X509Certificate issuer = chain[i + 1];
                    if (!chain[i].getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
                        throw new CertificateException("certificate " + chain[i].getSubjectX500Principal()
                                + " was not issued by " + issuer.getSubjectX500Principal());
                    }
                    if (i > 0 && issuer.getBasicConstraints() < 0) {
                        throw new CertificateException(issuer.getSubjectX500Principal() + " is not a CA");
                    }
                    chain[i].verify(issuer.getPublicKey());
                }
            }
        } catch (CertificateException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new CertificateException("labd's certificate does not verify against the pinned CA: " + e.getMessage(), e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the agent does not accept client connections");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
