package io.labctl.ca.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;

/**
 * Test double for {@link CaStore}: keeps rows in maps with the same rules the SQL has (unique CA name, serial as
 * primary key, first revocation kept). An optional barrier makes concurrent CA inserts meet, to force the race.
 */
final class InMemoryCaStoreForTests implements CaStore {
    private final Map<String, CaKeyRow> cas = new LinkedHashMap<>();
    private final Map<String, CertificateRow> certificates = new LinkedHashMap<>();
    private volatile CyclicBarrier barrierBeforeCaInsert;

    void meetBeforeCaInsert(CyclicBarrier barrier) {
        this.barrierBeforeCaInsert = barrier;
    }

    synchronized CaKeyRow storedCa(String name) {
        return cas.get(name);
    }

    synchronized List<CertificateRow> allCertificates() {
        return new ArrayList<>(certificates.values());
    }

    @Override
    public synchronized Optional<CaKeyRow> findCa(String name) {
        return Optional.ofNullable(cas.get(name));
    }

    @Override
    public boolean insertCaIfAbsent(CaKeyRow row) {
        CyclicBarrier barrier = barrierBeforeCaInsert;
        if (barrier != null) {
            try {
                barrier.await();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        synchronized (this) {
            return cas.putIfAbsent(row.name, row) == null;
        }
    }

    @Override
    public synchronized void recordCertificate(CertificateRow row) {
        if (certificates.putIfAbsent(row.serial, row) != null) {
            throw new IllegalStateException("duplicate key value violates unique constraint certificates_pkey: " + row.serial);
        }
    }

    @Override
    public synchronized Optional<RevokedRow> revoke(String serial, String reason, Instant at) {
        CertificateRow row = certificates.get(serial);
        if (row == null) {
            return Optional.empty();
        }
        if (row.revokedAt == null) {
            row.revokedAt = at;
            row.revokeReason = reason;
        }
        return Optional.of(new RevokedRow(row.serial, row.notAfter));
    }

    @Override
    public synchronized List<RevokedRow> revokeAll(String kind, String subjectName, String reason, Instant at) {
        List<RevokedRow> out = new ArrayList<>();
        for (CertificateRow row : certificates.values()) {
            if (row.kind.equals(kind) && row.subjectName.equals(subjectName) && row.revokedAt == null) {
                row.revokedAt = at;
                row.revokeReason = reason;
                out.add(new RevokedRow(row.serial, row.notAfter));
            }
        }
        return out;
    }

    @Override
    public synchronized List<RevokedRow> revokedUnexpired(Instant now) {
        return certificates.values().stream()
                .filter(r -> r.revokedAt != null && r.notAfter.isAfter(now))
                .map(r -> new RevokedRow(r.serial, r.notAfter))
                .toList();
    }

    @Override
    public synchronized List<CertificateRow> certificatesOf(String kind, String subjectName) {
        List<CertificateRow> out = new ArrayList<>();
        for (CertificateRow row : certificates.values()) {
            if (row.kind.equals(kind) && row.subjectName.equals(subjectName)) {
                out.add(0, row); // later inserts first when notBefore ties, like created_at DESC
            }
        }
        out.sort(Comparator.comparing((CertificateRow r) -> r.notBefore).reversed());
        return out;
    }
}
