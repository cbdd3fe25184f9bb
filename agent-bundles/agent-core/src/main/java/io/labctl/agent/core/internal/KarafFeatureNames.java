package io.labctl.agent.core.internal;

import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Installed lab-agent features, from Karaf's FeaturesService; only active when that service is present. */
@Component(service = FeatureNames.class)
public class KarafFeatureNames implements FeatureNames {
    static final String PREFIX = "lab-agent";

    private final FeaturesService features;

    @Activate
    public KarafFeatureNames(@Reference FeaturesService features) {
        this.features = features;
    }

    @Override
    public List<String> installedAgentFeatures() {
        List<String> names = new ArrayList<>();
        try {
            for (Feature feature : features.listInstalledFeatures()) {
                if (feature.getName().startsWith(PREFIX) && !names.contains(feature.getName())) {
                    names.add(feature.getName());
                }
            }
        } catch (Exception e) {
            // the features service is mid-refresh: report what we have
        }
        return names;
    }
}
