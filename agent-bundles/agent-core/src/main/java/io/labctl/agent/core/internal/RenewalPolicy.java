package io.labctl.agent.core.internal;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

/** When to renew: once a third or less of the certificate's lifetime is left. */
final class RenewalPolicy {
    private RenewalPolicy() {}

    static Instant dueAt(Instant notBefore, Instant notAfter) {
        Duration lifetime = Duration.between(notBefore, notAfter);
        if (lifetime.isNegative() || lifetime.isZero()) {
            return notBefore;
        }
        return notAfter.minus(lifetime.dividedBy(3));
    }

    static Instant dueAt(X509Certificate certificate) {
        return dueAt(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant());
    }

    static boolean isDue(X509Certificate certificate, Instant now) {
        return !now.isBefore(dueAt(certificate));
    }
}
