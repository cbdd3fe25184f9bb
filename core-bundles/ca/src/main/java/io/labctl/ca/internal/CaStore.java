package io.labctl.ca.internal;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where the CA keeps its key and its record of issued certificates. Serials are lower-case hex. */
interface CaStore {

    Optional<CaKeyRow> findCa(String name);

    /** Inserts the CA unless one of that name exists; true if this call's row went in. */
    boolean insertCaIfAbsent(CaKeyRow row);

    void recordCertificate(CertificateRow row);

    /** Marks a serial revoked (keeping an earlier revocation's time and reason); empty if the serial is unknown. */
    Optional<RevokedRow> revoke(String serial, String reason, Instant at);

    /** Revokes every unrevoked certificate of kind/subjectName and returns those it revoked. */
    List<RevokedRow> revokeAll(String kind, String subjectName, String reason, Instant at);

    /** Revoked serials whose certificates are still within their validity at {@code now}. */
    List<RevokedRow> revokedUnexpired(Instant now);

    /** Certificates of kind/subjectName, newest first. */
    List<CertificateRow> certificatesOf(String kind, String subjectName);
}
