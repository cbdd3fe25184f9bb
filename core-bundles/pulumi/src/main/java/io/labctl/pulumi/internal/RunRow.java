package io.labctl.pulumi.internal;

import java.time.Instant;

/** A pulumi_runs row, as MyBatis maps it. */
public class RunRow {
    public String id;
    public String kind;
    public String environment;
    public String cloud;
    public String project;
    public String app;
    public String username;
    public String program;
    public String digest;
    public String status;
    public String labd;
    public Instant startedAt;
    public Instant endedAt;
    public String changes;
    public String outputs;
    public String error;
    public String cancelledBy;
}
