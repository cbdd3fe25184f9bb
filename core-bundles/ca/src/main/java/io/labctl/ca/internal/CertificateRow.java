package io.labctl.ca.internal;

import java.time.Instant;

/** A row of {@code certificates}: one issued certificate; serial in lower-case hex, kind is the identity's unit. */
public class CertificateRow {
    public String serial;
    public String kind;
    public String subjectName;
    public Instant notBefore;
    public Instant notAfter;
    public String fingerprint;
    public Instant revokedAt;
    public String revokeReason;

    public CertificateRow() {}

    CertificateRow(String serial, String kind, String subjectName, Instant notBefore, Instant notAfter, String fingerprint) {
        this.serial = serial;
        this.kind = kind;
        this.subjectName = subjectName;
        this.notBefore = notBefore;
        this.notAfter = notAfter;
        this.fingerprint = fingerprint;
    }
}
