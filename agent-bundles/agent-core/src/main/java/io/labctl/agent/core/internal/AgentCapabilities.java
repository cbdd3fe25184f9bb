package io.labctl.agent.core.internal;

import io.labctl.protocol.AgentCapability;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The capability bundles running in this agent, each with the feature that brought it, its version and its state: the
 * bundles of the lab-agent features, and any {@code io.labctl.agent.*} bundle (one a feature did not bring, such as a
 * newer version installed beside the old). Pure: the agent component hands it the framework's bundles.
 */
final class AgentCapabilities {
    /** What the framework says about one bundle. state is {@link org.osgi.framework.Bundle#getState()}. */
    record BundleView(String symbolicName, String version, int state) {}

    private static final Comparator<AgentCapability> ORDER = Comparator
            .comparing((AgentCapability c) -> c.feature() == null ? "\uffff" : c.feature())
            .thenComparing(AgentCapability::bundle).thenComparing(AgentCapability::version);

    private AgentCapabilities() {}

    /**
     * @param bundles          every bundle of the framework
     * @param featureOfBundle  symbolic name to the lab-agent feature that brought it (empty without Karaf)
     */
    static List<AgentCapability> of(List<BundleView> bundles, Map<String, String> featureOfBundle) {
        List<AgentCapability> out = new ArrayList<>();
        for (BundleView b : bundles) {
            String name = b.symbolicName();
            if (name == null) {
                continue;
            }
            String feature = featureOfBundle.get(name);
            if (feature == null && !name.startsWith(AgentComponent.AGENT_BUNDLE_PREFIX)) {
                continue;
            }
            String state = state(b.state());
            if (state == null) {
                continue;  // uninstalled: gone
            }
            out.add(new AgentCapability(feature, name, Objects.requireNonNullElse(b.version(), "0.0.0"), state));
        }
        out.sort(ORDER);
        return List.copyOf(out);
    }

    /** OSGi's bundle states in words; null for UNINSTALLED. */
    static String state(int state) {
        return switch (state) {
            case 0x20 -> AgentCapability.ACTIVE;
            case 0x04 -> "resolved";
            case 0x02 -> "installed";
            case 0x08 -> "starting";
            case 0x10 -> "stopping";
            default -> null;
        };
    }
}
