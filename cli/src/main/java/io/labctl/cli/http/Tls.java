package io.labctl.cli.http;

import io.labctl.protocol.Pem;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** SSLContexts built from PEM alone, in memory: trust only the given CA, and present a client certificate if given. */
public final class Tls {
    private Tls() {}

    /**
     * @param caPem   the only CA(s) to trust (never the JDK's default trust store)
     * @param certPem client certificate chain, or null for no client certificate
     * @param keyPem  the client's PKCS#8 private key, or null
     * @throws IllegalArgumentException if a PEM block is missing or malformed, naming which
     */
    public static SSLContext context(String caPem, String certPem, String keyPem) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            List<X509Certificate> cas = parseCerts("CA certificate", caPem);
            for (int i = 0; i < cas.size(); i++) {
                trust.setCertificateEntry("ca-" + i, cas.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);

            KeyManager[] keyManagers = null;
            if (certPem != null) {
                List<X509Certificate> chain = parseCerts("client certificate", certPem);
                PrivateKey key;
                try {
                    key = Pem.privateKey(keyPem);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("private key: " + e.getMessage(), e);
                }
                char[] password = new char[16];
                SecureRandom random = new SecureRandom();
                for (int i = 0; i < password.length; i++) {
                    password[i] = (char) ('a' + random.nextInt(26));
                }
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                try {
                    keys.setKeyEntry("client", key, password, chain.toArray(new Certificate[0]));
                } catch (GeneralSecurityException e) {
                    throw new IllegalArgumentException("private key does not fit the client certificate: " + e.getMessage(), e);
                }
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, password);
                keyManagers = kmf.getKeyManagers();
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keyManagers, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> parseCerts(String what, String pem) {
        if (pem == null || pem.isBlank()) {
            throw new IllegalArgumentException(what + " is missing");
        }
        try {
            return Pem.certificates(pem);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
        }
    }
}
