package io.labctl.web.internal;

import io.labctl.api.CertificateAuthority.KeyPairCertificate;
import java.net.Socket;
import java.net.http.HttpClient;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/** Real TLS clients for the tests: JDK HttpClient with or without a client certificate. */
final class TestClients {
    private TestClients() {}

    /** Trusts the given CA; presents the certificate only when the server asks for one it can accept (JDK default). */
    static HttpClient client(X509Certificate trustedCa, KeyPairCertificate identity) {
        return build(context(trustedCa, identity == null ? null : standardKeyManagers(identity)));
    }

    /** Presents the certificate whatever CAs the server names: what a hostile or misconfigured client does. */
    static HttpClient forcingClient(X509Certificate trustedCa, KeyPairCertificate identity) {
        return build(context(trustedCa, new KeyManager[] {new AlwaysPresent(identity)}));
    }

    static SSLContext context(X509Certificate trustedCa, KeyManager[] keyManagers) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", trustedCa);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, tmf.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyManager[] standardKeyManagers(KeyPairCertificate identity) {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", identity.privateKey(), "pw".toCharArray(),
                    new X509Certificate[] {identity.certificate()});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, "pw".toCharArray());
            return kmf.getKeyManagers();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpClient build(SSLContext context) {
        return HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(20)).build();
    }

    private static final class AlwaysPresent extends X509ExtendedKeyManager {
        private final KeyPairCertificate identity;

        AlwaysPresent(KeyPairCertificate identity) {
            this.identity = identity;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return "client";
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return "client";
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {"client"};
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return new X509Certificate[] {identity.certificate()};
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return identity.privateKey();
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }
}
