package io.labctl.modules.internal;

import io.labctl.protocol.modules.ModuleReport;

/**
 * How a module run on one server ended: its report, or the message of a run that ended before one (agent error,
 * timeout). offline: the server was not reachable from this labd (offline or held by another), so it was not run.
 */
record Outcome(String server, String runId, ModuleReport report, String message, boolean failed, boolean offline) {

    static Outcome of(String server, String runId, ModuleReport report) {
        boolean failed = report.failed() > 0 || report.health() != null && report.health().startsWith("unhealthy");
        return new Outcome(server, runId, report, null, failed, false);
    }

    static Outcome error(String server, String runId, String message) {
        return new Outcome(server, runId, null, message, true, false);
    }

    static Outcome unreachable(String server, String message) {
        return new Outcome(server, null, null, message, false, true);
    }

    boolean changed() {
        return report != null && report.changed() > 0;
    }
}
