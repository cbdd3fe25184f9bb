package io.labctl.sources.internal;

import java.time.Instant;

/** One row of sources_credentials, as MyBatis maps it: the secret only sealed. */
public class CredentialRow {
    public String name;
    public String kind;
    public byte[] sealed;
    public String createdBy;
    public Instant createdAt;
}
