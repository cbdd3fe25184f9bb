package io.labctl.module.engine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import io.labctl.module.DesiredState;
import io.labctl.module.ModuleContext;
import io.labctl.module.Resource;
import io.labctl.module.engine.internal.Change;
import io.labctl.module.engine.internal.DependencyOrder;
import io.labctl.module.engine.internal.Providers;
import io.labctl.module.engine.internal.RunContext;
import io.labctl.module.engine.internal.TemplateValues;
import io.labctl.protocol.modules.ResourceResult;

/**
 * Makes a machine look like a module's desired state. Resources are considered in dependency order ({@code requires}
 * and a service's {@code watches} first, otherwise insertion order). A cycle or a requirement naming no declared
 * resource fails every resource and applies nothing. When a resource fails, every later one is skipped. Applying the
 * same state twice reports every resource unchanged the second time.
 *
 * <p>File templates need the module's facts and inputs: make the engine with {@link #Engine(Host, ModuleContext)}
 * to render them; an engine made with {@link #Engine(Host)} fails a templated file, saying so.
 */
public final class Engine {
    private final Host host;
    private final TemplateValues templateValues;
    private final Providers providers = new Providers();

    /** An engine without a module context: every resource type works except file templates. */
    public Engine(Host host) {
        this(host, null);
    }

    /** An engine for one module on one server: templates are filled from {@code context}'s facts and inputs. */
    public Engine(Host host, ModuleContext context) {
        this.host = Objects.requireNonNull(host, "host");
        this.templateValues = new TemplateValues(context);
    }

    /** What applying would change; changes nothing. */
    public EngineRun plan(DesiredState state) {
        return run(state, false);
    }

    /** Changes what differs, in dependency order, and reports every resource. */
    public EngineRun apply(DesiredState state) {
        return run(state, true);
    }

    private EngineRun run(DesiredState state, boolean applying) {
        List<Resource> order;
        try {
            order = DependencyOrder.of(state.resources());
        } catch (DependencyOrder.InvalidOrder e) {
            return new EngineRun(state.resources().stream()
                    .map(r -> ResourceResult.failed(r.id(), e.getMessage())).toList());
        }
        Set<String> changed = new HashSet<>();
        RunContext context = new RunContext(host, templateValues, changed, applying);
        List<ResourceResult> results = new ArrayList<>();
        String failed = null;
        for (Resource resource : order) {
            if (failed != null) {
                results.add(ResourceResult.skipped(resource.id(), "not applied: " + failed + " failed"));
                continue;
            }
            try {
                Change change = providers.plan(resource, context);
                if (change == null) {
                    results.add(ResourceResult.unchanged(resource.id()));
                    continue;
                }
                if (applying) {
                    change.action().run();
                }
                changed.add(resource.id());
                results.add(ResourceResult.changed(resource.id(), change.diff()));
            } catch (IOException | RuntimeException e) {
                // a resource that cannot be read or changed fails alone, with its reason; the run goes on reporting
                failed = resource.id();
                results.add(ResourceResult.failed(resource.id(), reason(e)));
            }
        }
        return new EngineRun(results);
    }

    /** The exception's message, or its type when it has none (e.g. a NoSuchFileException carries only the path). */
    private static String reason(Exception e) {
        String message = e.getMessage();
        String type = e.getClass().getSimpleName();
        if (message == null || message.isBlank()) {
            return type;
        }
        return e instanceof java.nio.file.FileSystemException ? type + ": " + message : message;
    }
}
