package io.labctl.protocol;

import java.time.Instant;
import java.util.Map;

/** A join token as listed: never the secret. state is one of active, used, expired, revoked. */
public record TokenInfo(String id, boolean reusable, String cloud, String environment, String role,
                        Map<String, String> labels, String server, String description, Instant createdAt,
                        Instant expiresAt, int uses, Instant lastUsedAt, Instant revokedAt, String state) {}
