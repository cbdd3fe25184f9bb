package io.labctl.ca.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RevocationCacheTest {

    @Test
    void serialsAreMatchedByValueWhateverTheHexSpelling() {
        RevocationCache cache = new RevocationCache();
        cache.add(new RevokedRow("00ff", Instant.now().plusSeconds(60)));
        assertTrue(cache.isRevoked(BigInteger.valueOf(255)));
        assertFalse(cache.isRevoked(BigInteger.valueOf(254)));
        assertFalse(cache.isRevoked(null));
    }

    @Test
    void aRefreshAddsButNeverForgetsAnUnexpiredRevocation() {
        RevocationCache cache = new RevocationCache();
        Instant now = Instant.now();
        cache.add(new RevokedRow("a1", now.plusSeconds(60))); // revoked here, not yet seen by the refresh's read
        cache.addAll(List.of(new RevokedRow("b2", now.plusSeconds(60))));
        cache.pruneExpired(now);
        assertTrue(cache.isRevoked(new BigInteger("a1", 16)));
        assertTrue(cache.isRevoked(new BigInteger("b2", 16)));
    }

    @Test
    void expiredCertificatesDropOut() {
        RevocationCache cache = new RevocationCache();
        Instant now = Instant.now();
        cache.add(new RevokedRow("a1", now.minusSeconds(1)));
        cache.add(new RevokedRow("b2", now.plusSeconds(1)));
        cache.pruneExpired(now);
        assertFalse(cache.isRevoked(new BigInteger("a1", 16)));
        assertTrue(cache.isRevoked(new BigInteger("b2", 16)));
    }
}
