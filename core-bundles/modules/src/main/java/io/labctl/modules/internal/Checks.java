package io.labctl.modules.internal;

import io.labctl.api.Identity;
import io.labctl.api.audit.AuditWriter;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.modules.ModuleReport;
import io.labctl.protocol.modules.ResourceResult;
import io.labctl.protocol.modules.ServerModuleStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drift checks and labd's own convergence: re-plans managed servers (no change made) and records converged, drifted
 * or failed; converges servers that newly match an assignment; repairs drift where the assignment enforces. All of it
 * runs as labd and is audited, one row per assignment and round.
 */
final class Checks {
    private static final Logger LOG = LoggerFactory.getLogger(Checks.class);
    private static final int DETAIL_IDS = 5;

    private final ModuleService service;
    private final ModuleStore store;
    private final Rollout rollout;
    private final AuditWriter audit;

    Checks(ModuleService service, ModuleStore store, Rollout rollout, AuditWriter audit) {
        this.service = service;
        this.store = store;
        this.rollout = rollout;
        this.audit = audit;
    }

    /**
     * Re-plans each (module, server) now, skipping servers that are not connected here or busy with a run of the
     * module. Returns the ones found drifted.
     */
    List<ModuleService.Managed> check(List<ModuleService.Managed> servers, Identity as) {
        List<ModuleService.Managed> drifted = new ArrayList<>();
        Map<String, List<ModuleService.Managed>> byModule = new LinkedHashMap<>();
        servers.stream().filter(m -> ServerInfo.ONLINE.equals(m.server().status()))
                .forEach(m -> byModule.computeIfAbsent(m.assignment().module, k -> new ArrayList<>()).add(m));
        byModule.forEach((module, list) -> {
            long started = System.nanoTime();
            Map<String, ModuleService.Managed> byServer = new LinkedHashMap<>();
            list.forEach(m -> byServer.put(m.server().name(), m));
            int[] counts = new int[3]; // converged, drifted, failed
            rollout.run(new ArrayList<>(byServer.keySet()), byServer.size(), Integer.MAX_VALUE, server -> {
                ModuleService.Managed m = byServer.get(server);
                ReentrantLock lock = service.lockOf(module, server);
                if (!lock.tryLock()) {
                    return Outcome.unreachable(server, "a run of " + module + " is in progress");
                }
                try {
                    Outcome o = service.call(new Prepared.Target(server, m.entry(), m.assignment()), "plan",
                            UUID.randomUUID().toString());
                    if (!o.offline()) {
                        String state = o.failed() ? ServerModuleStatus.FAILED
                                : o.changed() ? ServerModuleStatus.DRIFTED : ServerModuleStatus.CONVERGED;
                        synchronized (counts) {
                            counts[o.failed() ? 2 : o.changed() ? 1 : 0]++;
                            if (ServerModuleStatus.DRIFTED.equals(state)) {
                                drifted.add(m);
                            }
                        }
                        String detail = o.failed() ? ModuleService.detail(o) : o.changed() ? drift(o.report()) : null;
                        store.checked(module, server, state, detail, Instant.now());
                    }
                    return o;
                } finally {
                    lock.unlock();
                }
            }, new Rollout.Events(e -> { }, byServer.size()));
            if (counts[0] + counts[1] + counts[2] > 0) {
                String summary = "module.check " + module + ": " + counts[0] + " converged, " + counts[1] + " drifted, "
                        + counts[2] + " failed";
                record(as, "module.check", module, counts[2] > 0, summary, started);
            }
        });
        return drifted;
    }

    /** Applies assignments to the servers given (new to them, or drifted where enforced) as labd. */
    void converge(List<ModuleService.Managed> servers, String verb) {
        Map<Integer, List<ModuleService.Managed>> byRevision = new LinkedHashMap<>();
        servers.forEach(m -> byRevision.computeIfAbsent(m.assignment().revision, k -> new ArrayList<>()).add(m));
        byRevision.values().forEach(list -> {
            RevisionRow a = list.get(0).assignment();
            List<Prepared.Target> targets = new ArrayList<>();
            for (ModuleService.Managed m : list) {
                if (store.state(a.module, m.server().name()).isEmpty()
                        || !ServerModuleStatus.DRIFTED.equals(store.state(a.module, m.server().name()).get().state)) {
                    store.setState(a.module, m.server().name(), a.revision, a.version, ServerModuleStatus.PENDING, null);
                }
                targets.add(new Prepared.Target(m.server().name(), m.entry(), a));
            }
            Prepared p = new Prepared(ModuleService.LABD, verb, "apply", a.module, a.module + "@" + a.version + " -l "
                    + a.selector + " (revision " + a.revision + ")", a.revision, targets, List.of(), targets.size(),
                    Integer.MAX_VALUE);
            Consumer<io.labctl.protocol.modules.ApplyEvent> log = e -> {
                if (e.type().equals(io.labctl.protocol.modules.ApplyEvent.SUMMARY)) {
                    LOG.info("{}", e.message());
                }
            };
            service.execute(p, log);
        });
    }

    private void record(Identity as, String verb, String module, boolean failed, String summary, long started) {
        try {
            audit.record(new AuditWriter.Event(ModuleService.auditName(as), null, ModuleService.SOURCE, verb,
                    "/v1/modules/" + module), failed ? AuditEntry.FAILED : AuditEntry.OK,
                    (System.nanoTime() - started) / 1_000_000, failed ? summary : null, summary);
        } catch (RuntimeException e) {
            LOG.error("could not write the audit row of '{}': {}", summary, e.getMessage());
        }
    }

    /** The resources a plan would change, the first few by id. */
    static String drift(ModuleReport report) {
        List<String> ids = report.resources() == null ? List.of() : report.resources().stream()
                .filter(r -> ResourceResult.CHANGED.equals(r.status())).map(ResourceResult::id).toList();
        String shown = String.join(", ", ids.subList(0, Math.min(DETAIL_IDS, ids.size())));
        return "would change " + ids.size() + ": " + shown + (ids.size() > DETAIL_IDS ? ", ..." : "");
    }
}
