package io.labctl.modules.internal;

import java.time.Instant;

/** One row of module_servers: a module on one server. */
public class StateRow {
    public String module;
    public String server;
    public int revision;
    public String version;
    public String state;
    public String lastRunId;
    public Instant lastRun;
    public Instant lastCheck;
    public String detail;
}
