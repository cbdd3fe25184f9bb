package io.labctl.web.internal;

import io.labctl.api.CertificateAuthority;
import io.labctl.api.CertificateAuthority.KeyPairCertificate;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CRL;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.TrustManager;
import io.labctl.protocol.TlsSuites;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * labd's TLS identity, kept in memory only: the server key and chain come from the CA service, the trust store
 * holds the CA alone (so only its client certificates validate). Client certificates are wanted, not needed:
 * enrolment and health answer without one, and the filter refuses everything else.
 */
final class ServerTls {
    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);
    private static final String KEY_ALIAS = "labd";

    private final CertificateAuthority ca;
    private final String hostName;
    private final List<String> subjectAltNames;
    private final Duration validity;
    /** Protects the in-memory key store only; it never leaves this object. */
    private final String password = randomPassword();
    private final SslContextFactory.Server factory;
    private volatile X509Certificate current;

    /** handshakes: told of every client chain the trust store refuses (null: nobody is told). */
    ServerTls(CertificateAuthority ca, String hostName, List<String> subjectAltNames, Duration validity,
              HandshakeRefusals handshakes) throws GeneralSecurityException {
        this.factory = new SslContextFactory.Server() {
            @Override
            protected TrustManager[] getTrustManagers(KeyStore trustStore, Collection<? extends CRL> crls)
                    throws Exception {
                TrustManager[] managers = super.getTrustManagers(trustStore, crls);
                return handshakes == null ? managers : handshakes.watch(managers);
            }
        };
        this.ca = ca;
        this.hostName = hostName;
        this.subjectAltNames = List.copyOf(subjectAltNames);
        this.validity = validity;
        factory.setKeyStore(issueKeyStore());
        factory.setKeyStorePassword(password);
        factory.setKeyManagerPassword(password);
        factory.setTrustStore(trustStore(ca.caCertificate()));
        factory.setWantClientAuth(true);
        factory.setNeedClientAuth(false);
        factory.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        // AEAD with forward secrecy only; the client's order decides, so that each client asks for what is cheap in
        // its own JVM (TlsSuites)
        factory.setIncludeCipherSuites(TlsSuites.AES_GCM_FIRST.toArray(new String[0]));
        factory.setUseCipherSuitesOrder(false);
        factory.setSniRequired(false);
        // clients are identified by their subject, not by a host name
        factory.setEndpointIdentificationAlgorithm(null);
    }

    SslContextFactory.Server factory() {
        return factory;
    }

    X509Certificate certificate() {
        return current;
    }

    /** True once two thirds of the server certificate's life are gone. */
    boolean renewalDue(Instant now) {
        Instant from = current.getNotBefore().toInstant();
        Instant to = current.getNotAfter().toInstant();
        return now.isAfter(from.plus(Duration.between(from, to).multipliedBy(2).dividedBy(3)));
    }

    /** Swaps in a fresh server certificate without dropping connections. */
    void renew() throws Exception {
        KeyStore fresh = issueKeyStore();
        factory.reload(f -> f.setKeyStore(fresh));
        LOG.info("renewed labd's TLS certificate for {} (serial {}, valid until {})", hostName,
                current.getSerialNumber().toString(16), current.getNotAfter().toInstant());
    }

    private KeyStore issueKeyStore() throws GeneralSecurityException {
        KeyPairCertificate issued = ca.serverCertificate(hostName, subjectAltNames, validity);
        KeyStore store = emptyStore();
        Certificate[] chain = {issued.certificate(), ca.caCertificate()};
        store.setKeyEntry(KEY_ALIAS, issued.privateKey(), password.toCharArray(), chain);
        current = issued.certificate();
        return store;
    }

    private static KeyStore trustStore(X509Certificate caCertificate) throws GeneralSecurityException {
        KeyStore store = emptyStore();
        store.setCertificateEntry("labctl-ca", caCertificate);
        return store;
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException("cannot create an in-memory key store", e);
        }
        return store;
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
