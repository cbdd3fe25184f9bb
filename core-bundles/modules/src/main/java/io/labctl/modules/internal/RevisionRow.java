package io.labctl.modules.internal;

import java.time.Instant;

/** One row of module_revisions; inputs is a JSON object whose secret values are sealed. */
public class RevisionRow {
    public String module;
    public int revision;
    public String version;
    public String selector;
    public String inputs;
    public boolean enforce;
    public String action;
    public String createdBy;
    public Instant createdAt;
}
