package io.labctl.agent.core.internal;

import io.labctl.agent.api.HostInfo;
import io.labctl.agent.api.LabdRequests;
import io.labctl.agent.api.AgentLink;
import io.labctl.agent.api.OpenStreams;
import io.labctl.agent.api.StreamHandler;
import io.labctl.protocol.AgentCapability;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lab-agent: enrols, keeps the one connection to labd, heartbeats, and dispatches streams to the handler
 * services present. Configuration may come from the environment alone, hence the optional policy; any change
 * of configuration restarts the component (and with it a stopped enrolment).
 */
@Component(service = {}, configurationPid = "io.labctl.agent", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = AgentConfig.class)
public class AgentComponent {
    private static final Logger LOG = LoggerFactory.getLogger("io.labctl.agent");
    static final String AGENT_BUNDLE_PREFIX = "io.labctl.agent.";

    private final HandlerRegistry handlers = new HandlerRegistry();
    private final BundleContext context;
    private final ExecutorService ioThreads;
    private final ExecutorService streamThreads;
    private final ScheduledExecutorService timer;
    private final AgentRunner runner;
    private final Thread runnerThread;
    private final ServiceRegistration<LabdRequests> requests;
    private final ServiceRegistration<HostInfo> hostInfo;
    private final ServiceRegistration<OpenStreams> openStreams;
    private final ServiceRegistration<AgentLink> link;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile FeatureNames featureNames;

    @Activate
    public AgentComponent(AgentConfig config, BundleContext context) {
        this.context = context;
        HostFactsCollector facts = new HostFactsCollector(Path.of("/"), context.getBundle().getVersion().toString(),
                this::agentFeatures, this::capabilities);
        AgentSettings settings;
        try {
            settings = AgentSettings.resolve(config, System::getenv, facts::defaultName);
        } catch (IllegalArgumentException e) {
            LOG.warn("lab-agent is not started: {}", e.getMessage());
            ioThreads = null;
            streamThreads = null;
            timer = null;
            runner = null;
            runnerThread = null;
            requests = null;
            hostInfo = null;
            openStreams = null;
            link = null;
            return;
        }
        ioThreads = Executors.newCachedThreadPool(daemon("labctl-agent-io"));
        streamThreads = Executors.newCachedThreadPool(daemon("labctl-agent-stream"));
        timer = Executors.newSingleThreadScheduledExecutor(daemon("labctl-agent-timer"));
        runner = new AgentRunner(settings, handlers, facts, ioThreads, streamThreads, timer);
        runnerThread = daemon("labctl-agent").newThread(runner);
        runnerThread.start();
        AgentRunner r = runner;
        requests = context.registerService(LabdRequests.class, new LabdRequests() {
            @Override
            public String serverName() {
                return r.serverName();
            }

            @Override
            public Response post(String path, byte[] json) throws IOException, InterruptedException {
                return r.post(path, json);
            }

            @Override
            public Download download(String path, Path target, long maxBytes) throws IOException, InterruptedException {
                return r.download(path, target, maxBytes);
            }
        }, null);
        hostInfo = context.registerService(HostInfo.class, facts::collect, null);
        openStreams = context.registerService(OpenStreams.class, new OpenStreams() {
            @Override
            public int of(long bundleId) {
                return handlers.of(bundleId).stream().mapToInt(r::openStreams).sum();
            }

            @Override
            public int handOver(long bundleId) {
                return handlers.of(bundleId).stream().mapToInt(r::handOver).sum();
            }
        }, null);
        link = context.registerService(AgentLink.class, r::connected, null);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addStreamHandler(ServiceReference<StreamHandler> reference, StreamHandler handler, Map<String, Object> properties) {
        Bundle from = reference.getBundle();
        List<String> kinds = handlers.add(handler, properties, from == null ? null : from.getVersion(),
                from == null ? -1 : from.getBundleId());
        if (kinds.isEmpty()) {
            LOG.warn("ignoring a stream handler without the {} service property: {}", StreamHandler.KIND, handler);
        } else {
            LOG.info("stream handler for {} available", kinds);
        }
    }

    void removeStreamHandler(StreamHandler handler) {
        List<String> kinds = handlers.remove(handler);
        AgentRunner r = runner;
        if (r != null) {
            r.handlerRemoved(handler);
        }
        if (!kinds.isEmpty()) {
            LOG.info("stream handler for {} removed", kinds);
        }
    }

    @Deactivate
    void deactivate() {
        if (runner == null) {
            return;
        }
        requests.unregister();
        hostInfo.unregister();
        openStreams.unregister();
        link.unregister();
        runner.stop();
        try {
            runnerThread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (runnerThread.isAlive()) {
            runnerThread.interrupt();
        }
        timer.shutdownNow();
        streamThreads.shutdownNow();
        ioThreads.shutdown();
        try {
            ioThreads.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** lab-agent features from Karaf when it can tell, else the active agent bundles. */
    private List<String> agentFeatures() {
        FeatureNames fromKaraf = featureNames;
        if (fromKaraf != null) {
            return fromKaraf.installedAgentFeatures();
        }
        List<String> names = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            String name = bundle.getSymbolicName();
            if (name != null && name.startsWith(AGENT_BUNDLE_PREFIX) && bundle.getState() == Bundle.ACTIVE) {
                names.add(name);
            }
        }
        return names;
    }

    /** The capability bundles running now, with their features and versions ({@link AgentCapabilities}). */
    private List<AgentCapability> capabilities() {
        FeatureNames fromKaraf = featureNames;
        Map<String, String> features = fromKaraf == null ? Map.of() : fromKaraf.featureOfBundle();
        List<AgentCapabilities.BundleView> bundles = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            bundles.add(new AgentCapabilities.BundleView(bundle.getSymbolicName(), bundle.getVersion().toString(),
                    bundle.getState()));
        }
        return AgentCapabilities.of(bundles, features);
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread t = new Thread(task, prefix + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
