package io.labctl.protocol.access;

/**
 * Result of walking every instance's hash chain. When intact is false, instance and seq name the first broken
 * link and problem says what is wrong there (a changed row, a missing row).
 */
public record AuditVerification(boolean intact, long rowsChecked, int chains, String instance, Long seq,
                                String problem) {}
