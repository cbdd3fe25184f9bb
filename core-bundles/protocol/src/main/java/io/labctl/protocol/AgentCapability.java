package io.labctl.protocol;

/**
 * One bundle of an agent capability as the agent reports it (in {@link HostFacts#capabilities()}): what is running
 * on that agent right now, not what its distribution shipped.
 *
 * @param feature the lab-agent feature that brought the bundle ({@code lab-agent-logs}); null for a capability bundle
 *                installed outside any feature
 * @param bundle  the bundle's symbolic name ({@code io.labctl.agent.logs})
 * @param version the bundle's version ({@code 0.1.0.SNAPSHOT}, OSGi's spelling)
 * @param state   {@code active}, {@code resolved}, {@code installed}, {@code starting} or {@code stopping}
 */
public record AgentCapability(String feature, String bundle, String version, String state) {
    public static final String ACTIVE = "active";

    /** The name people use for it: the feature without {@code lab-agent-}, else the bundle's symbolic name. */
    public String shortName() {
        if (feature != null && !feature.isBlank()) {
            return feature.startsWith("lab-agent-") ? feature.substring("lab-agent-".length()) : feature;
        }
        return bundle;
    }
}
