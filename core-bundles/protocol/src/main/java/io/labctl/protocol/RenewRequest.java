package io.labctl.protocol;

/** Renewal over mutual TLS: a CSR for a new key, same name as the presented certificate. */
public record RenewRequest(String csr) {}
