package io.labctl.web.internal;

import io.labctl.api.Identity;
import io.labctl.api.audit.AuditWriter;
import java.security.cert.X509Certificate;
import java.util.function.Supplier;

/**
 * Callers labd cannot identify (no certificate, or one it refuses), wherever they knock: a route, a WebSocket, a
 * path that does not exist. They all get the same 401 with the verifier's reason, so paths cannot be probed without
 * a certificate, and each refusal is audited through {@link AuditWriter#refused} (rate-limited per source address),
 * under the name the certificate claims (marked as not verified unless labd's CA issued it).
 */
final class Unidentified {
    private final PeerVerifier verifier;
    private final Supplier<AuditWriter> audit;

    Unidentified(PeerVerifier verifier, Supplier<AuditWriter> audit) {
        this.verifier = verifier;
        this.audit = audit;
    }

    /** Audits one refusal of a caller labd did not identify; without the audit trail it goes to the security log. */
    void record(String user, String source, String action, String resource, String reason) {
        AuditWriter trail = audit.get();
        AuditWriter.Event event = new AuditWriter.Event(user, null, source, action, resource);
        try {
            if (trail == null) {
                throw new IllegalStateException("the audit trail is not running");
            }
            trail.refused(event, reason);
        } catch (RuntimeException e) {
            Guards.SECURITY_LOG.error("could not audit a refusal of {} from {} ({}): {}; reason: {}", user, source,
                    action, e.getMessage(), reason);
        }
    }

    /** The refusal for this peer, already audited (rate-limited), or null when labd accepts its certificate. */
    PeerVerifier.Refusal refuse(X509Certificate[] chain, String source, String action, String resource) {
        if (verifier.verify(chain, source) instanceof PeerVerifier.Refused refused) {
            audit(refused.reason(), chain, source, action, resource);
            return refused.reason();
        }
        return null;
    }

    /** Audits a refusal the caller already decided. */
    void audit(PeerVerifier.Refusal reason, X509Certificate[] chain, String source, String action, String resource) {
        record(claimedUser(chain), source, action, resource, reason.code + ": " + reason.message
                + (reason == PeerVerifier.Refusal.REVOKED ? REVOKED_NOTE : claimNote(chain)));
    }

    /**
     * The name a certificate claims, as the audit filters take names (users bare, others kind/name), so that
     * {@code logs audit --user bob} finds refusals of certificates that name bob; "anonymous" without one.
     */
    static String claimedUser(X509Certificate[] chain) {
        if (chain == null || chain.length == 0 || chain[0] == null) {
            return "anonymous";
        }
        Identity claimed = Identity.of(chain[0]);
        return claimed == null ? chain[0].getSubjectX500Principal().getName() : EnforcementPoint.auditName(claimed);
    }

    private static final String REVOKED_NOTE = " (the name is that of a revoked certificate issued by this labd)";

    /** Says that the name in the row cannot be trusted: only a valid certificate of labd's CA proves a name. */
    static String claimNote(X509Certificate[] chain) {
        if (chain == null || chain.length == 0 || chain[0] == null) {
            return "";
        }
        return " (the name is what the certificate claims, NOT verified: subject "
                + chain[0].getSubjectX500Principal().getName() + ", issuer "
                + chain[0].getIssuerX500Principal().getName() + ")";
    }
}
