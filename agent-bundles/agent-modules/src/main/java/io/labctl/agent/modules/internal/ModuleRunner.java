package io.labctl.agent.modules.internal;

import io.labctl.module.ConfigurationModule;
import io.labctl.module.DesiredState;
import io.labctl.module.Facts;
import io.labctl.module.Health;
import io.labctl.module.ModuleContext;
import io.labctl.module.ModuleException;
import io.labctl.module.engine.Engine;
import io.labctl.module.engine.EngineRun;
import io.labctl.module.engine.Host;
import io.labctl.module.engine.HostContext;
import io.labctl.module.engine.ValueInputs;
import io.labctl.protocol.modules.ModuleReport;
import io.labctl.protocol.modules.ResourceResult;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One module run, start to end: the verified jar (cache or labd), the bundle installed and started, its
 * ConfigurationModule, the desired state for this server and inputs, the engine's plan or apply, health after an
 * apply, and the report with every secret value masked. Other versions of the module are uninstalled once this one
 * has applied without a failed resource (so a failed upgrade keeps the old bundle at hand); a removal without a failed
 * resource uninstalls the module.
 */
final class ModuleRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ModuleRunner.class);

    private final ModuleCache cache;
    private final ModuleBundles bundles;
    private final Supplier<ModuleContextParts> parts;
    private final Host host;
    private final Duration serviceWait;
    private final Clock clock;

    /** What a module context is made of besides the inputs: read afresh for every run. */
    record ModuleContextParts(String server, Facts facts) {}

    ModuleRunner(ModuleCache cache, ModuleBundles bundles, Supplier<ModuleContextParts> parts, Host host,
                 Duration serviceWait, Clock clock) {
        this.cache = cache;
        this.bundles = bundles;
        this.parts = parts;
        this.host = host;
        this.serviceWait = serviceWait;
        this.clock = clock;
    }

    ModuleReport run(ModuleRequest request) throws ModuleRunException, InterruptedException {
        SecretMask mask = new SecretMask(request.secretValues());
        try {
            return runMasked(request, mask);
        } catch (ModuleRunException e) {
            throw new ModuleRunException(e.code(), mask.mask(e.getMessage()), e.getCause());
        } finally {
            cache.prune(bundles.installedDigests());
        }
    }

    private ModuleReport runMasked(ModuleRequest request, SecretMask mask)
            throws ModuleRunException, InterruptedException {
        Instant started = clock.instant();
        ModuleContextParts here = parts.get();
        Path jar = cache.jar(request.module(), request.version(), request.sha256());
        ModuleBundles.Installed installed = bundles.install(request.module(), request.version(), request.sha256(), jar);
        List<ResourceResult> results;
        String health = null;
        try (ModuleBundles.Lease lease = bundles.await(installed, serviceWait)) {
            ConfigurationModule module = lease.module();
            ModuleContext context = new HostContext(here.server(), here.facts(),
                    new ValueInputs(request.inputs(), request.secrets()), host);
            results = resources(request, module, context, mask);
            if (ModuleRequest.APPLY.equals(request.action())) {
                health = health(module, context);
            }
        }
        boolean failed = results.stream().anyMatch(r -> ResourceResult.FAILED.equals(r.status()));
        if (ModuleRequest.APPLY.equals(request.action()) && !failed) {
            bundles.retireOthers(installed);
        } else if (ModuleRequest.REMOVE.equals(request.action()) && !failed) {
            bundles.uninstallAll(request.module());
        }
        ModuleReport report = ModuleReport.of(here.server(), request.module(), request.version(), request.action(),
                request.runId(), masked(results, mask), mask.mask(health), started, clock.instant());
        LOG.info("module {}: {} changed, {} failed, {} skipped, {} unchanged{}", request, report.changed(),
                report.failed(), report.skipped(), report.unchanged(), health == null ? "" : "; " + report.health());
        return report;
    }

    /** The engine's results; a module whose own code fails gives one failed entry saying so. */
    private List<ResourceResult> resources(ModuleRequest request, ConfigurationModule module, ModuleContext context,
                                           SecretMask mask) {
        DesiredState state;
        try {
            state = ModuleRequest.REMOVE.equals(request.action()) ? module.removal(context)
                    : module.desiredState(context);
        } catch (ModuleException e) {
            return List.of(ResourceResult.failed(moduleId(request), e.getMessage()));
        } catch (RuntimeException e) {
            // no stack trace: its messages may carry an input's value, and the log must not
            LOG.warn("module {} failed to say its desired state: {}", request, mask.mask(e.toString()));
            return List.of(ResourceResult.failed(moduleId(request), "the module's code failed: " + e));
        }
        Engine engine = new Engine(host, context); // with the context, so file templates are filled
        EngineRun run = ModuleRequest.PLAN.equals(request.action()) ? engine.plan(state) : engine.apply(state);
        return run.results();
    }

    private static String health(ConfigurationModule module, ModuleContext context) {
        try {
            Health health = module.health(context);
            return health == null ? Health.healthy().toString() : health.toString();
        } catch (RuntimeException e) {
            return Health.unhealthy("the health check failed: " + e).toString();
        }
    }

    private static String moduleId(ModuleRequest request) {
        return "module:" + request.module();
    }

    private static List<ResourceResult> masked(List<ResourceResult> results, SecretMask mask) {
        // ids too: a line resource's id carries its line, which may hold a secret
        return results.stream().map(r -> new ResourceResult(mask.mask(r.id()), r.status(), mask.mask(r.diff()),
                mask.mask(r.reason()))).toList();
    }

    /** 0 for a run without a failed resource and, after an apply, healthy; 1 otherwise. */
    static int exitCode(ModuleReport report) {
        boolean healthy = report.health() == null || report.health().equals(Health.healthy().toString());
        return report.failed() == 0 && healthy ? 0 : 1;
    }
}
