package io.labctl.modules.internal;

import io.labctl.api.audit.AuditWriter;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.modules.ModuleRun;
import java.net.InetAddress;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs that end without the agent's report. A run is recorded as running, with the labd installation that runs it,
 * before labd asks the agent; when labd stops without ending it (killed, power lost), the same installation ends it
 * at its next start as {@link #INTERRUPTED}: its server's state becomes failed with the reason and its check is due
 * at once, so labd's next round re-plans it (and repairs it where the assignment enforces). Servers of that rollout
 * that had not started stay held (pending) and say so. Runs that other labd instances hold are never touched.
 */
final class RunEndings {
    private static final Logger LOG = LoggerFactory.getLogger(RunEndings.class);
    /** A run's status once labd stopped during it (ModuleRun's running, ok and failed are the others). */
    static final String INTERRUPTED = "interrupted";
    static final String WAITING_FOR_BATCH = "waiting for its batch";

    /**
     * Runs this JVM has under way, across restarts of the component (a configuration change restarts it while a run
     * may still be on an agent): those are not left over, and their own ending is recorded when they end.
     */
    private static final Set<String> UNDER_WAY = ConcurrentHashMap.newKeySet();

    private final ModuleStore store;
    private final AuditWriter audit;
    private final String labd;

    RunEndings(ModuleStore store, AuditWriter audit, String labd) {
        this.store = store;
        this.audit = audit;
        this.labd = labd;
    }

    /**
     * This labd installation: its host name and home folder. It stays the same across a restart, and differs between
     * two installations on one host, so a start finds exactly the runs its own previous life left running.
     */
    static String thisInstallation() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "localhost";
        }
        String home = System.getProperty("karaf.home", System.getProperty("user.dir", "?"));
        return host + ":" + home;
    }

    /** Ends the runs this installation left running. Returns how many; never throws (labd must start). */
    int endLeftRunning(Instant now) {
        List<RunRow> left;
        try {
            left = store.runningOn(labd);
        } catch (RuntimeException e) {
            LOG.error("could not look for module runs left running by the last start of this labd: {}", e.toString());
            return 0;
        }
        Set<String> rollouts = new HashSet<>();
        left = left.stream().filter(run -> !UNDER_WAY.contains(run.id)).toList();
        for (RunRow run : left) {
            String reason = "interrupted: labd stopped during run " + run.id + " (started " + run.started + ");"
                    + " the next check re-plans it";
            try {
                store.endRun(run.id, INTERRUPTED, now, null);
                if (!"plan".equals(run.action)) {
                    store.interrupted(run.module, run.server, run.id, reason, now);
                    if (run.revision > 0 && rollouts.add(run.module + "\0" + run.revision)) {
                        store.notStarted(run.module, run.revision, WAITING_FOR_BATCH, "not run: labd stopped during"
                                + " this rollout (revision " + run.revision + "); apply again to run it");
                    }
                }
                LOG.warn("module run {} ({} {}@{} on {}) was left running when labd stopped; ended as interrupted",
                        run.id, run.action, run.module, run.version, run.server);
                audit.record(new AuditWriter.Event(ModuleService.auditName(ModuleService.LABD), null,
                        ModuleService.SOURCE, "module.interrupted", "/v1/modules/" + run.module), AuditEntry.FAILED,
                        0L, reason, run.action + " " + run.module + "@" + run.version + " on " + run.server + " by "
                                + run.createdBy + ": " + reason);
            } catch (RuntimeException e) {
                LOG.error("could not end the interrupted module run {}: {}", run.id, e.toString());
            }
        }
        return left.size();
    }

    /** The run as it starts: running, held by this installation; {@link #ended} once its end is recorded. */
    RunRow starting(RunRow run) {
        run.status = ModuleRun.RUNNING;
        run.labd = labd;
        UNDER_WAY.add(run.id);
        return run;
    }

    void ended(String runId) {
        UNDER_WAY.remove(runId);
    }
}
