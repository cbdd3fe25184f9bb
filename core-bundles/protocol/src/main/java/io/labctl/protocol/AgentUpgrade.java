package io.labctl.protocol;

import java.util.List;

/**
 * Live upgrades of agent capabilities ({@code labctl agents upgrade}): what the user asks labd, what one agent reports
 * back on its {@value #KIND} stream, and what labd answers for the whole rollout.
 */
public final class AgentUpgrade {
    /** The agent-channel stream kind that upgrades one capability bundle in place. */
    public static final String KIND = "agent-upgrade";
    /** The new version runs, the old one is gone. */
    public static final String UPGRADED = "upgraded";
    /** The agent already ran that version: nothing was done. */
    public static final String UNCHANGED = "unchanged";
    /** The new version did not start or was not healthy: removed again, the old one runs on untouched. */
    public static final String ROLLED_BACK = "rolled-back";
    /**
     * In an agent's report only (labd turns it into {@link #UPGRADED} or {@link #FAILED}): the agent core is being
     * replaced; the connection closes and the new core connects again, or the agent puts the old one back itself.
     */
    public static final String REPLACING = "replacing";
    /** The upgrade could not be tried there (digest mismatch, fetch failed, agent error, disconnected). */
    public static final String FAILED = "failed";
    /** Not started: past --max-failures. */
    public static final String NOT_RUN = "not-run";
    /** Not reachable from this labd: not tried. */
    public static final String OFFLINE = "offline";

    private AgentUpgrade() {}

    /**
     * {@code POST /api/v1/agents/upgrade}. batch: N or P% (all at once when null); maxFailures: 0 when null;
     * drainSeconds: how long an agent waits for the old version's open streams to end before removing it (60 when null).
     */
    public record Request(String feature, String version, String selector, String batch, Integer maxFailures,
                          Integer drainSeconds) {}

    /**
     * One agent's report.
     *
     * @param bundle the capability bundle's symbolic name
     * @param from   the version that ran before
     * @param to     the version asked for
     * @param result {@link #UPGRADED}, {@link #UNCHANGED} or {@link #ROLLED_BACK}
     * @param millis from the request's arrival to the end (fetch, install, health, removal of the old version)
     */
    public record Report(String bundle, String from, String to, String result, String message, long millis) {}

    /** One server's line of the rollout: its result and, when the agent reported, its report's message. */
    public record ServerResult(String server, String result, String from, String to, long millis, String message) {}

    /** The rollout: one line per targeted server, in the order they finished, and the counts. */
    public record Result(String feature, String bundle, String version, List<ServerResult> servers, int upgraded,
                         int unchanged, int failed, int notRun, int offline) {
        /** true when every targeted agent runs the version now (upgraded or unchanged). */
        public boolean complete() {
            return failed == 0 && notRun == 0 && offline == 0;
        }
    }
}
