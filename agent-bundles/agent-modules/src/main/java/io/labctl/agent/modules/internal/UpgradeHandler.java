package io.labctl.agent.modules.internal;

import io.labctl.agent.api.LabdRequests;
import io.labctl.agent.api.OpenStreams;
import io.labctl.agent.api.StreamChannel;
import io.labctl.agent.api.StreamHandler;
import io.labctl.agent.api.StreamReceiver;
import io.labctl.protocol.AgentUpgrade;
import io.labctl.protocol.Json;
import io.labctl.protocol.channel.StreamOpen;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@value AgentUpgrade#KIND} streams: labd asks for one capability bundle at a version and digest; the agent
 * upgrades it in place ({@link CapabilityUpgrader}), one upgrade at a time, writes one JSON {@link AgentUpgrade.Report}
 * and closes with 0 (upgraded or unchanged) or 1 (rolled back). A request that cannot be tried (digest mismatch, fetch
 * failed, unknown bundle) is an ERROR with its code.
 */
@Component(service = StreamHandler.class, property = StreamHandler.KIND + "=" + AgentUpgrade.KIND,
        configurationPid = "io.labctl.agent.modules", configurationPolicy = ConfigurationPolicy.OPTIONAL)
public class UpgradeHandler implements StreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(UpgradeHandler.class);

    private final CapabilityUpgrader upgrader;
    private final ExecutorService one = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "labctl-agent-upgrade");
        t.setDaemon(true);
        return t;
    });

    @Activate
    public UpgradeHandler(ModulesConfig config, BundleContext context, @Reference(name = "labd") LabdRequests labd,
                          @Reference(name = "openStreams") OpenStreams openStreams) {
        String data = context.getProperty("karaf.data");
        Path dir = config.cacheDirectory().isBlank()
                ? (data != null ? Path.of(data, "labctl", "capabilities") : context.getDataFile("capabilities").toPath())
                : Path.of(config.cacheDirectory(), "capabilities");
        this.upgrader = new CapabilityUpgrader(context, new ModuleCache(dir, labd::download, config.moduleMaxBytes()),
                openStreams, dir.resolve("upgrade-in-progress.properties"));
        upgrader.recover();  // an upgrade that a stop (kill -9, power loss) interrupted: finished or undone, never half
        String core = upgrader.recoverCore();
        if (core != null) {
            LOG.info("{}", core);
        }
    }

    @Override
    public StreamReceiver open(StreamOpen open, StreamChannel channel) throws Exception {
        CapabilityUpgrader.Request request;
        try {
            request = CapabilityUpgrader.Request.fromParams(open.params());
        } catch (ModuleRunException e) {
            channel.fail(e.code(), e.getMessage());
            return StreamReceiver.IGNORE;
        }
        one.execute(() -> serve(request, channel));
        return StreamReceiver.IGNORE;
    }

    private void serve(CapabilityUpgrader.Request request, StreamChannel channel) {
        try {
            AgentUpgrade.Report report = upgrader.upgrade(request);
            byte[] json = Json.json().writeValueAsBytes(report);
            channel.write(json, 0, json.length);
            channel.close(AgentUpgrade.ROLLED_BACK.equals(report.result()) ? 1 : 0);
        } catch (ModuleRunException e) {
            LOG.info("upgrade of {} to {} refused: {}: {}", request.bundle(), request.version(), e.code(), e.getMessage());
            channel.fail(e.code(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            channel.fail(ModuleRunException.FAILED, "the agent stopped during the upgrade of " + request.bundle());
        } catch (Exception e) {
            LOG.warn("upgrade of {} to {} failed", request.bundle(), request.version(), e);
            channel.fail(ModuleRunException.FAILED, "the upgrade of " + request.bundle() + " failed on this agent ("
                    + e.getClass().getSimpleName() + "): see the agent's log");
        }
    }

    @Deactivate
    void deactivate() {
        one.shutdownNow();
    }
}
