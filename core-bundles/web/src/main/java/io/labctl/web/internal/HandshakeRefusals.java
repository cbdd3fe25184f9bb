package io.labctl.web.internal;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.WeakHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;

/**
 * TLS handshakes that fail (a certificate from another CA or self-signed, an expired one, no TLS at all) never
 * reach a route, so they are audited here: the trust manager notes the chain it refused, and the handshake
 * listener writes one row per failed handshake, with the name the certificate claimed (not verified).
 */
final class HandshakeRefusals implements SslHandshakeListener {
    private final Unidentified unidentified;
    /** Chains refused per handshake until the failure is reported; weak, so an engine never reported is forgotten. */
    private final Map<SSLEngine, Refused> refused = new WeakHashMap<>();

    private record Refused(X509Certificate[] chain, String why) {}

    HandshakeRefusals(Unidentified unidentified) {
        this.unidentified = unidentified;
    }

    @Override
    public void handshakeFailed(Event event, Throwable failure) {
        SSLEngine engine = event.getSSLEngine();
        Refused r;
        synchronized (refused) {
            r = refused.remove(engine);
        }
        String why = r != null ? "client certificate refused: " + r.why()
                : "TLS handshake failed: " + failure.getMessage();
        unidentified.record(Unidentified.claimedUser(r == null ? null : r.chain()), engine.getPeerHost(),
                "tls.handshake", "tls", why + Unidentified.claimNote(r == null ? null : r.chain()));
    }

    /** Wraps the trust managers so that refused client chains are noted for {@link #handshakeFailed}. */
    TrustManager[] watch(TrustManager[] managers) {
        TrustManager[] out = managers.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] instanceof X509ExtendedTrustManager x) {
                out[i] = new Watched(x);
            }
        }
        return out;
    }

    private final class Watched extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager delegate;

        Watched(X509ExtendedTrustManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            try {
                delegate.checkClientTrusted(chain, authType, engine);
            } catch (CertificateException e) {
                synchronized (refused) {
                    refused.put(engine, new Refused(chain, e.getMessage()));
                }
                throw e;
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            delegate.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            delegate.checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            delegate.checkServerTrusted(chain, authType, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }
}
