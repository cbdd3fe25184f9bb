package io.labctl.protocol;

/** An agent's first contact: the join token string, the server name it asks for, and a PKCS#10 CSR in PEM. */
public record EnrolRequest(String token, String name, String csr) {}
