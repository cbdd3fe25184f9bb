package io.labctl.ca.internal;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Revoked serials in memory, asked on every request. It only grows between prunes: revocation is never undone, so
 * a refresh that read the database just before a local revocation committed cannot lose that revocation.
 * Serials drop out once their certificate has expired, since an expired certificate is refused anyway.
 */
final class RevocationCache {
    private final Map<BigInteger, Instant> notAfterByRevokedSerial = new ConcurrentHashMap<>();

    boolean isRevoked(BigInteger serial) {
        return serial != null && notAfterByRevokedSerial.containsKey(serial);
    }

    void add(RevokedRow row) {
        notAfterByRevokedSerial.put(new BigInteger(row.serial, 16), row.notAfter);
    }

    void addAll(Collection<RevokedRow> rows) {
        rows.forEach(this::add);
    }

    void pruneExpired(Instant now) {
        notAfterByRevokedSerial.values().removeIf(notAfter -> notAfter.isBefore(now));
    }

    int size() {
        return notAfterByRevokedSerial.size();
    }
}
