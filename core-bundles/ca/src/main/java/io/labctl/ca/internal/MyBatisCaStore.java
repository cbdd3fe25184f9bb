package io.labctl.ca.internal;

import io.labctl.persistence.Sessions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@link CaStore} over labd's database through the two mappers. */
final class MyBatisCaStore implements CaStore {
    static final Class<?>[] MAPPERS = {CaKeyMapper.class, CertificateMapper.class};

    private final Sessions sessions;

    MyBatisCaStore(Sessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public Optional<CaKeyRow> findCa(String name) {
        return Optional.ofNullable(sessions.mapper(CaKeyMapper.class, m -> m.find(name)));
    }

    @Override
    public boolean insertCaIfAbsent(CaKeyRow row) {
        return sessions.mapper(CaKeyMapper.class, m -> m.insertIfAbsent(row)) == 1;
    }

    @Override
    public void recordCertificate(CertificateRow row) {
        sessions.mapper(CertificateMapper.class, m -> m.insert(row));
    }

    @Override
    public Optional<RevokedRow> revoke(String serial, String reason, Instant at) {
        return Optional.ofNullable(sessions.mapper(CertificateMapper.class, m -> m.revoke(serial, reason, at)));
    }

    @Override
    public List<RevokedRow> revokeAll(String kind, String subjectName, String reason, Instant at) {
        return sessions.mapper(CertificateMapper.class, m -> m.revokeAll(kind, subjectName, reason, at));
    }

    @Override
    public List<RevokedRow> revokedUnexpired(Instant now) {
        return sessions.mapper(CertificateMapper.class, m -> m.revokedUnexpired(now));
    }

    @Override
    public List<CertificateRow> certificatesOf(String kind, String subjectName) {
        return sessions.mapper(CertificateMapper.class, m -> m.certificatesOf(kind, subjectName));
    }
}
