package io.labctl.protocol.access;

import java.time.Instant;

/**
 * A new user's credentials, returned once to the admin who created it: labd made the key pair in memory and
 * keeps only the certificate. The CLI writes these into an owner-only credential bundle.
 */
public record IssuedUser(UserInfo user, String server, String caCertificate, String certificate, String privateKey,
                         Instant certificateExpires) {}
