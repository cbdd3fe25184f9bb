package io.labctl.agent.core.internal;

import java.util.List;
import java.util.Map;

/**
 * The names of the lab-agent features installed here. A service of its own so that the agent component does not
 * touch Karaf's features API: that package is optional, and a class that names it could not even load without it.
 */
public interface FeatureNames {
    List<String> installedAgentFeatures();

    /** The bundles of the installed lab-agent features: symbolic name to the feature's name. */
    Map<String, String> featureOfBundle();
}
