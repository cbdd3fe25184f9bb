package io.labctl.sources.internal;

import java.time.Instant;

/** One row of sources_builds. */
public class BuildRow {
    public String id;
    public String module;
    public String kind;
    public String url;
    public String ref;
    public String credential;
    public String commitId;
    public String state;
    public String step;
    public String detail;
    public String version;
    public String sha256;
    public String startedBy;
    public Instant startedAt;
    public Instant endedAt;
    public String log;
}
