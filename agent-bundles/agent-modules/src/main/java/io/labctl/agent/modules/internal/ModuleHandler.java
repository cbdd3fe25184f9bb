package io.labctl.agent.modules.internal;

import io.labctl.agent.api.HostInfo;
import io.labctl.agent.api.LabdRequests;
import io.labctl.agent.api.StreamChannel;
import io.labctl.agent.api.StreamHandler;
import io.labctl.agent.api.StreamReceiver;
import io.labctl.module.engine.Host;
import io.labctl.protocol.Json;
import io.labctl.protocol.channel.StreamOpen;
import io.labctl.protocol.modules.ModuleReport;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves "module" streams: labd asks for a plan, apply or removal of a module at a version with inputs; the agent
 * runs it (see {@link ModuleRunner}), one run at a time, writes one JSON {@link ModuleReport} and closes the stream
 * with exit code 0 (nothing failed, healthy) or 1. What stops a run before the engine is an ERROR with a stable
 * code ({@link ModuleRunException}).
 */
@Component(service = StreamHandler.class, property = StreamHandler.KIND + "=" + ModuleHandler.KIND,
        configurationPid = "io.labctl.agent.modules", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ModulesConfig.class)
public class ModuleHandler implements StreamHandler {
    static final String KIND = "module";
    private static final Logger LOG = LoggerFactory.getLogger(ModuleHandler.class);

    private final ModuleRunner runner;
    private final RunSlot slot;
    private final ExecutorService runs;

    @Activate
    public ModuleHandler(ModulesConfig config, BundleContext context, @Reference(name = "labd") LabdRequests labd,
                         @Reference(name = "hostInfo") HostInfo hostInfo) {
        Path cacheDir = config.cacheDirectory().isBlank() ? defaultCache(context) : Path.of(config.cacheDirectory());
        ModuleCache cache = new ModuleCache(cacheDir, labd::download, config.moduleMaxBytes());
        Host host = Host.local(Path.of("/"), new LabdArtifacts(labd::download, cacheDir.resolve("artifacts"),
                config.artifactMaxBytes()));
        this.runner = new ModuleRunner(cache, new OsgiModuleBundles(context),
                () -> new ModuleRunner.ModuleContextParts(labd.serverName(), ModuleFacts.of(hostInfo.facts())),
                host, Duration.ofSeconds(config.serviceWaitSeconds()), Clock.systemUTC());
        this.slot = new RunSlot(Duration.ofSeconds(config.queueWaitSeconds()));
        this.runs = Executors.newCachedThreadPool(daemonThreads());
    }

    ModuleHandler(ModuleRunner runner, RunSlot slot, ExecutorService runs) {
        this.runner = runner;
        this.slot = slot;
        this.runs = runs;
    }

    private static Path defaultCache(BundleContext context) {
        String data = context.getProperty("karaf.data");
        return data != null ? Path.of(data, "labctl", "modules") : context.getDataFile("modules").toPath();
    }

    @Override
    public StreamReceiver open(StreamOpen open, StreamChannel channel) throws Exception {
        ModuleRequest request;
        try {
            request = ModuleRequest.fromParams(open.params());
        } catch (ModuleRunException e) {
            return refuse(channel, e);
        }
        runs.execute(() -> serve(request, channel));
        return StreamReceiver.IGNORE;
    }

    /** Runs on a thread of its own: the stream's thread must not be held for the whole run. */
    private void serve(ModuleRequest request, StreamChannel channel) {
        try {
            if (!slot.acquire(request.toString(), channel::isOpen)) {
                LOG.info("module {}: labd ended the stream while it waited for another run", request);
                return;
            }
        } catch (ModuleRunException e) {
            refuse(channel, e);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            ModuleReport report = runner.run(request);
            byte[] json = Json.json().writeValueAsBytes(report);
            channel.write(json, 0, json.length);
            channel.close(ModuleRunner.exitCode(report));
        } catch (ModuleRunException e) {
            refuse(channel, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            channel.fail(ModuleRunException.UNAVAILABLE, "the agent stopped during module " + request);
        } catch (Exception e) {
            // the stream is gone (nobody to tell) or a bug; either way the operator finds it in the agent's log
            LOG.warn("module {} could not report: {}", request, e.toString());
            channel.fail("module-failed", "module " + request + " failed on this agent: " + e.getClass().getSimpleName());
        } finally {
            slot.release();
        }
    }

    private static StreamReceiver refuse(StreamChannel channel, ModuleRunException e) {
        LOG.info("module stream {} refused: {}: {}", channel.id(), e.code(), e.getMessage());
        channel.fail(e.code(), e.getMessage());
        return StreamReceiver.IGNORE;
    }

    @Deactivate
    void deactivate() {
        runs.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread t = new Thread(task, "labctl-module-run-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
