package io.labctl.web.internal;

import io.labctl.api.CertificateAuthority;
import io.labctl.api.Identity;
import io.labctl.api.web.PeerPrincipal;
import java.security.cert.X509Certificate;
import javax.security.auth.x500.X500Principal;

/**
 * The one identity check, shared by REST and WebSocket upgrades: a client certificate from labd's CA that names
 * a labctl identity and is not revoked. TLS has already validated the chain against the CA; this adds what TLS
 * cannot know (subject form, revocation).
 */
final class PeerVerifier {

    enum Refusal {
        NO_CERTIFICATE("client_certificate_required",
                "client certificate required; import your credentials with 'labctl config import <bundle>'"),
        FOREIGN_ISSUER("certificate_untrusted",
                "the client certificate was not issued by this labd's CA; import the credentials of this server "
                        + "with 'labctl config import <bundle>'"),
        UNKNOWN_SUBJECT("unknown_identity",
                "the client certificate does not name a labctl identity (CN=<name>,OU=agent|user|labd,O=labctl); "
                        + "ask an admin for credentials"),
        REVOKED("certificate_revoked", "certificate revoked; ask an admin for new credentials");

        final String code;
        final String message;

        Refusal(String code, String message) {
            this.code = code;
            this.message = message;
        }
    }

    sealed interface Outcome permits Accepted, Refused {}

    record Accepted(PeerPrincipal principal) implements Outcome {}

    record Refused(Refusal reason) implements Outcome {}

    private final CertificateAuthority ca;
    private final X500Principal caSubject;

    PeerVerifier(CertificateAuthority ca) {
        this.ca = ca;
        this.caSubject = ca.caCertificate().getSubjectX500Principal();
    }

    Outcome verify(X509Certificate[] chain, String remoteAddress) {
        if (chain == null || chain.length == 0 || chain[0] == null) {
            return new Refused(Refusal.NO_CERTIFICATE);
        }
        X509Certificate leaf = chain[0];
        // the TLS trust store holds only our CA, so this cannot fail today; it keeps the check honest if it grows
        if (!caSubject.equals(leaf.getIssuerX500Principal())) {
            return new Refused(Refusal.FOREIGN_ISSUER);
        }
        Identity identity = Identity.of(leaf);
        if (identity == null) {
            return new Refused(Refusal.UNKNOWN_SUBJECT);
        }
        if (ca.isRevoked(leaf.getSerialNumber())) {
            return new Refused(Refusal.REVOKED);
        }
        return new Accepted(new PeerPrincipal(identity, leaf, remoteAddress));
    }
}
