package io.labctl.protocol.modules;

import java.time.Instant;

/** A module on one server. state: converged, drifted, failed or pending; detail says what drifted or failed. */
public record ServerModuleStatus(String server, String module, String version, int revision, String state,
                                 String lastRunId, Instant lastRun, Instant lastCheck, String detail) {
    public static final String CONVERGED = "converged";
    public static final String DRIFTED = "drifted";
    public static final String FAILED = "failed";
    public static final String PENDING = "pending";
}
