package io.labctl.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Renewal over mutual TLS: a CSR for a new key, same name as the presented certificate. */
@JsonIgnoreProperties(ignoreUnknown = true)  // sent by machines upgraded on their own schedule: their new fields pass
public record RenewRequest(String csr) {}
