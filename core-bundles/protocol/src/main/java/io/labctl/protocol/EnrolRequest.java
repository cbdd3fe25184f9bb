package io.labctl.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** An agent's first contact: the join token string, the server name it asks for, and a PKCS#10 CSR in PEM. */
@JsonIgnoreProperties(ignoreUnknown = true)  // sent by machines upgraded on their own schedule: their new fields pass
public record EnrolRequest(String token, String name, String csr) {}
