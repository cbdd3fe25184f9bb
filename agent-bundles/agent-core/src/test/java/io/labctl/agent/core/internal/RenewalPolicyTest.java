package io.labctl.agent.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RenewalPolicyTest {
    @Test
    void dueWhenAThirdOfTheLifetimeIsLeft() {
        Instant issued = Instant.parse("2026-01-01T00:00:00Z");
        assertEquals(Instant.parse("2026-01-21T00:00:00Z"), RenewalPolicy.dueAt(issued, issued.plus(Duration.ofDays(30))));
        assertEquals(Instant.parse("2026-01-01T16:00:00Z"), RenewalPolicy.dueAt(issued, issued.plus(Duration.ofHours(24))));
    }

    @Test
    void aBrokenValidityIsDueAtOnce() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        assertEquals(t, RenewalPolicy.dueAt(t, t.minusSeconds(1)));
    }

    @Test
    void realCertificates() throws Exception {
        TestCa ca = TestCa.create("labd CA");
        Instant now = Instant.now();
        X509Certificate young = ca.issue(KeyPairs.newEcP256().getPublic(), "web-01", now.minusSeconds(3600),
                now.plus(Duration.ofDays(30)));
        X509Certificate old = ca.issue(KeyPairs.newEcP256().getPublic(), "web-01", now.minus(Duration.ofDays(25)),
                now.plus(Duration.ofDays(5)));
        assertFalse(RenewalPolicy.isDue(young, now));
        assertTrue(RenewalPolicy.isDue(old, now));
        assertTrue(RenewalPolicy.isDue(young, RenewalPolicy.dueAt(young)));
    }
}
