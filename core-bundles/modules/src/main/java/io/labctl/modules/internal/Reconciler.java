package io.labctl.modules.internal;

import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.modules.ServerModuleStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * labd's own convergence, every scanSeconds: a server that newly matches an assignment converges; one that no longer
 * matches any is no longer managed (nothing is removed); each managed server is re-planned every checkMinutes, and a
 * drifted one is repaired where its assignment enforces. Only servers connected to this labd are run; another labd
 * instance converges its own.
 */
@Component(service = Reconciler.class, configurationPid = "io.labctl.modules",
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
// its configuration is the modules capability's (io.labctl.modules), designated by ModuleService
public class Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    private final ModuleService service;
    private final Duration checkEvery;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "labd-modules-reconciler");
        t.setDaemon(true);
        return t;
    });

    @Activate
    public Reconciler(@Reference ModuleService service, ModulesConfig config) {
        this.service = service;
        this.checkEvery = Duration.ofMinutes(Math.max(1, config.checkMinutes()));
        long every = Math.max(1, config.scanSeconds());
        timer.scheduleWithFixedDelay(this::safely, every, every, TimeUnit.SECONDS);
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
    }

    private void safely() {
        try {
            reconcile(Instant.now());
        } catch (RuntimeException e) {
            LOG.warn("module reconciliation failed this round (it runs again): {}", e.toString());
        }
    }

    /** One round; what it did, for tests. */
    record Round(List<ModuleService.Managed> converged, List<ModuleService.Managed> checked,
                 List<ModuleService.Managed> enforced, int forgotten) {}

    Round reconcile(Instant now) {
        ModuleStore store = service.store();
        Map<String, ModuleService.Managed> managed = service.managed();
        Map<String, StateRow> states = store.states().stream()
                .collect(Collectors.toMap(r -> ModuleService.key(r.module, r.server), r -> r));
        int forgotten = 0;
        for (StateRow r : states.values()) {
            if (!managed.containsKey(ModuleService.key(r.module, r.server))) {
                store.forget(r.module, r.server); // stopped matching: no longer managed, nothing removed
                forgotten++;
            }
        }
        List<ModuleService.Managed> fresh = new ArrayList<>();
        List<ModuleService.Managed> due = new ArrayList<>();
        for (Map.Entry<String, ModuleService.Managed> e : managed.entrySet()) {
            ModuleService.Managed m = e.getValue();
            if (!ServerInfo.ONLINE.equals(m.server().status())) {
                continue;
            }
            StateRow row = states.get(e.getKey());
            if (row == null || ServerModuleStatus.PENDING.equals(row.state) || row.revision < m.assignment().revision) {
                fresh.add(m);
            } else if (Set.of(ServerModuleStatus.CONVERGED, ServerModuleStatus.DRIFTED, ServerModuleStatus.FAILED)
                    .contains(row.state) && (row.lastCheck == null || !row.lastCheck.plus(checkEvery).isAfter(now))) {
                due.add(m);
            }
        }
        Checks checks = service.checks();
        List<ModuleService.Managed> converged = convergeInOrder(checks, fresh, "module.converge");
        List<ModuleService.Managed> drifted = due.isEmpty() ? List.of() : checks.check(due, ModuleService.LABD);
        List<ModuleService.Managed> enforced = convergeInOrder(checks,
                drifted.stream().filter(m -> m.assignment().enforce).toList(), "module.enforce");
        return new Round(converged, due, enforced, forgotten);
    }

    /**
     * Converges module after module, each after the modules it requires; a server where a required module is not in
     * place (failed there, not run yet, not assigned) stays pending, its detail saying what it waits for, and is
     * tried again next round. Returns what was run.
     */
    private List<ModuleService.Managed> convergeInOrder(Checks checks, List<ModuleService.Managed> servers, String verb) {
        List<ModuleService.Managed> started = new ArrayList<>();
        for (List<ModuleService.Managed> module : Requirements.inDependencyOrder(servers)) {
            Requirements requirements = service.requirements(); // read again: the modules before may have just run
            List<ModuleService.Managed> ready = new ArrayList<>();
            for (ModuleService.Managed m : module) {
                java.util.Optional<String> waiting = requirements.waitingFor(m);
                if (waiting.isPresent()) {
                    service.store().setState(m.assignment().module, m.server().name(), m.assignment().revision,
                            m.assignment().version, ServerModuleStatus.PENDING, waiting.get());
                } else {
                    ready.add(m);
                }
            }
            if (!ready.isEmpty()) {
                checks.converge(ready, verb);
                started.addAll(ready);
            }
        }
        return started;
    }
}
