package io.labctl.repository.internal;

import java.time.Instant;

/** One row of repo_entries, as MyBatis maps it. */
public class EntryRow {
    public Long id;
    public String name;
    public String version;
    public String kind;
    public String sha256;
    public long size;
    public String fileName;
    public String descriptor;
    public String uploadedBy;
    public Instant uploadedAt;
}
