package io.labctl.ca.internal;

import io.labctl.api.CertificateAuthority.VerifiedCsr;
import java.security.PublicKey;

/** A CSR whose signature and key were checked by {@link CsrVerifier}; only these are issued for. */
record VerifiedRequest(String requestedName, PublicKey publicKey) implements VerifiedCsr {}
