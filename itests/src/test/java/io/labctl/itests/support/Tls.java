package io.labctl.itests.support;

import io.labctl.protocol.CredentialBundle;
import io.labctl.protocol.Pem;
import java.net.http.HttpClient;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS clients as the tests need them: with a client certificate, or with none, always trusting only labd's CA. */
public final class Tls {
    private Tls() {}

    public static SSLContext context(X509Certificate ca, X509Certificate clientCert, PrivateKey clientKey) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (clientCert != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("me", clientKey, new char[0], new Certificate[] {clientCert});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    /**
     * A context that presents this certificate whatever CAs the server names, as openssl s_client -cert does (the
     * JDK's own key manager would offer nothing, and the server would see no certificate at all).
     */
    public static SSLContext presenting(X509Certificate ca, X509Certificate clientCert, PrivateKey clientKey) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        javax.net.ssl.X509ExtendedKeyManager always = new javax.net.ssl.X509ExtendedKeyManager() {
            @Override public String[] getClientAliases(String keyType, java.security.Principal[] issuers) { return new String[] {"me"}; }
            @Override public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) { return "me"; }
            @Override public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers, javax.net.ssl.SSLEngine engine) { return "me"; }
            @Override public String[] getServerAliases(String keyType, java.security.Principal[] issuers) { return null; }
            @Override public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket socket) { return null; }
            @Override public X509Certificate[] getCertificateChain(String alias) { return new X509Certificate[] {clientCert}; }
            @Override public PrivateKey getPrivateKey(String alias) { return clientKey; }
        };
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(new javax.net.ssl.KeyManager[] {always}, tmf.getTrustManagers(), null);
        return ctx;
    }

    public static HttpClient client(SSLContext ctx) {
        return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(10)).build();
    }

    public static HttpClient client(CredentialBundle b) throws Exception {
        return client(context(Pem.certificate(b.caCertificate()), Pem.certificate(b.certificate()), Pem.privateKey(b.privateKey())));
    }

    public static HttpClient anonymous(CredentialBundle b) throws Exception {
        return client(context(Pem.certificate(b.caCertificate()), null, null));
    }
}
