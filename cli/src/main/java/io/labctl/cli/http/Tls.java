package io.labctl.cli.http;

import io.labctl.protocol.Pem;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

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
                // A key manager over the key itself: a PKCS12 KeyStore would encrypt the key with PBKDF2 first,
                // which costs a cold JVM hundreds of milliseconds on every call.
                keyManagers = new KeyManager[] {new ClientKeyManager(key, chain.toArray(new X509Certificate[0]))};
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

    /** Always presents the one client certificate labctl was configured with. */
    private static final class ClientKeyManager extends X509ExtendedKeyManager {
        private static final String ALIAS = "client";
        private final PrivateKey key;
        private final X509Certificate[] chain;

        ClientKeyManager(PrivateKey key, X509Certificate[] chain) {
            this.key = key;
            this.chain = chain;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {ALIAS};
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return ALIAS;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return ALIAS;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? chain.clone() : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? key : null;
        }
    }
}
