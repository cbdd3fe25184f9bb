package io.labctl.sources.internal;

import java.time.Instant;

/** One row of sources_modules: where a published custom module comes from and what was built. */
public class SourceRow {
    public String name;
    public String kind;
    public String url;
    public String ref;
    public String credential;
    public String commitId;
    public String version;
    public String sha256;
    public String addedBy;
    public Instant addedAt;
    public String updatedBy;
    public Instant updatedAt;
}
