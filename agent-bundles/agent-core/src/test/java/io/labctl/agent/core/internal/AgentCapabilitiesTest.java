package io.labctl.agent.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.labctl.agent.core.internal.AgentCapabilities.BundleView;
import io.labctl.protocol.AgentCapability;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentCapabilitiesTest {
    private static final int ACTIVE = 0x20;
    private static final int RESOLVED = 0x04;

    @Test
    void reportsTheFeaturesBundlesAndAgentBundlesWithTheirRunningVersions() {
        List<BundleView> bundles = List.of(
                new BundleView("org.apache.felix.scr", "2.2.6", ACTIVE),
                new BundleView("io.labctl.agent.logs", "0.1.0.SNAPSHOT", ACTIVE),
                new BundleView("io.labctl.agent.core", "0.1.0.SNAPSHOT", ACTIVE),
                new BundleView("labctl-module-api", "0.1.0.SNAPSHOT", ACTIVE),
                // a second version installed beside the first: reported, under the same feature
                new BundleView("io.labctl.agent.logs", "0.2.0", RESOLVED),
                // an agent bundle no feature brought
                new BundleView("io.labctl.agent.extra", "1.0.0", ACTIVE),
                new BundleView(null, "0.0.0", ACTIVE));
        Map<String, String> features = Map.of("io.labctl.agent.logs", "lab-agent-logs",
                "io.labctl.agent.core", "lab-agent-core", "labctl-module-api", "lab-agent-modules");

        List<AgentCapability> out = AgentCapabilities.of(bundles, features);

        assertEquals(List.of(
                new AgentCapability("lab-agent-core", "io.labctl.agent.core", "0.1.0.SNAPSHOT", "active"),
                new AgentCapability("lab-agent-logs", "io.labctl.agent.logs", "0.1.0.SNAPSHOT", "active"),
                new AgentCapability("lab-agent-logs", "io.labctl.agent.logs", "0.2.0", "resolved"),
                new AgentCapability("lab-agent-modules", "labctl-module-api", "0.1.0.SNAPSHOT", "active"),
                new AgentCapability(null, "io.labctl.agent.extra", "1.0.0", "active")), out);
        assertEquals("logs", out.get(1).shortName());
        assertEquals("io.labctl.agent.extra", out.get(4).shortName());
    }

    @Test
    void withoutKarafOnlyTheAgentsOwnBundlesAndNoUninstalledOnes() {
        List<AgentCapability> out = AgentCapabilities.of(List.of(
                new BundleView("io.labctl.agent.ping", "0.1.0", ACTIVE),
                new BundleView("io.labctl.agent.exec", "0.1.0", 0x01),
                new BundleView("labctl-module-api", "0.1.0", ACTIVE)), Map.of());
        assertEquals(List.of(new AgentCapability(null, "io.labctl.agent.ping", "0.1.0", "active")), out);
    }

    @Test
    void factsCarryTheCapabilitiesAndSurviveAFailingSupplier() {
        AgentCapability ping = new AgentCapability("lab-agent-ping", "io.labctl.agent.ping", "0.1.0", "active");
        HostFactsCollector facts = new HostFactsCollector(java.nio.file.Path.of("/"), "0.1.0", List::of, () -> List.of(ping));
        assertEquals(List.of(ping), facts.collect().capabilities());
        HostFactsCollector failing = new HostFactsCollector(java.nio.file.Path.of("/"), "0.1.0", List::of, () -> {
            throw new IllegalStateException("framework refreshing");
        });
        assertEquals(List.of(), failing.collect().capabilities());
    }
}
