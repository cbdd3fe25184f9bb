package io.labctl.protocol;

/** The signed certificate (PEM), the CA certificate (PEM) to trust from now on, and the server name it carries. */
public record EnrolResponse(String certificate, String caCertificate, String name) {}
