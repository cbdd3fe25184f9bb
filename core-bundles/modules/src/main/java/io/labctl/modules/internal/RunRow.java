package io.labctl.modules.internal;

import java.time.Instant;

/** One row of module_runs: one run on one server, its report as JSON. */
public class RunRow {
    public String id;
    public String server;
    public String module;
    public String version;
    public int revision;
    public String action;
    public String status;
    public String createdBy;
    public Instant started;
    public Instant ended;
    public String report;
    /** The labd installation that runs it (see RunEndings). */
    public String labd;
}
