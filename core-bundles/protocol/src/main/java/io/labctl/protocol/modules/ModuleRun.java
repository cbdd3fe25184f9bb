package io.labctl.protocol.modules;

import java.time.Instant;

/**
 * One module run on one server. status: running, ok, failed, or interrupted (labd stopped during the run and ended it
 * at its next start). report null while running or if the run ended before one.
 */
public record ModuleRun(String id, String server, String module, String version, int revision, String action,
                        String status, String by, Instant started, Instant ended, ModuleReport report) {
    public static final String RUNNING = "running";
    public static final String OK = "ok";
    public static final String FAILED = "failed";
}
