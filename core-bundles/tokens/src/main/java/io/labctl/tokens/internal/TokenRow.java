package io.labctl.tokens.internal;

import java.time.Instant;

/** One row of join_tokens. */
public class TokenRow {
    public String id;
    public String secretHash;
    public boolean reusable;
    public String cloud;
    public String environment;
    public String role;
    public String labels;
    public String serverName;
    public String description;
    public String createdBy;
    public Instant createdAt;
    public Instant expiresAt;
    public int uses;
    public Instant lastUsedAt;
    public Instant revokedAt;
}
