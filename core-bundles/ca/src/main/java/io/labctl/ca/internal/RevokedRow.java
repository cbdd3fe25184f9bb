package io.labctl.ca.internal;

import java.time.Instant;

/** A revoked serial and when its certificate expires (after which nobody needs to remember it). */
public class RevokedRow {
    public String serial;
    public Instant notAfter;

    public RevokedRow() {}

    RevokedRow(String serial, Instant notAfter) {
        this.serial = serial;
        this.notAfter = notAfter;
    }
}
