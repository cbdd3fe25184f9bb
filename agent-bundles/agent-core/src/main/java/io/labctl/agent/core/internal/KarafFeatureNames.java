package io.labctl.agent.core.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.karaf.features.BundleInfo;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Installed lab-agent features, from Karaf's FeaturesService; only active when that service is present. */
@Component(service = FeatureNames.class)
public class KarafFeatureNames implements FeatureNames {
    static final String PREFIX = "lab-agent";

    private final FeaturesService features;
    private final BundleContext context;

    @Activate
    public KarafFeatureNames(@Reference FeaturesService features, BundleContext context) {
        this.features = features;
        this.context = context;
    }

    /**
     * By location: a feature's bundle is installed under the location the feature names ({@code mvn:...}); a bundle a
     * feature lists directly belongs to it (the umbrella feature {@code lab-agent} lists none itself). A bundle under
     * another location (a version upgraded in place) belongs to the feature whose {@code mvn:} artifact id is its
     * symbolic name, as labctl's own bundles are named.
     */
    @Override
    public Map<String, String> featureOfBundle() {
        Map<String, String> byLocation = new HashMap<>();
        Map<String, String> byArtifact = new HashMap<>();
        try {
            for (Feature feature : features.listInstalledFeatures()) {
                if (!feature.getName().startsWith(PREFIX)) {
                    continue;
                }
                for (BundleInfo info : feature.getBundles()) {
                    String location = info.getLocation().strip();
                    byLocation.putIfAbsent(location, feature.getName());
                    String[] coordinates = location.startsWith("mvn:") ? location.substring(4).split("/") : new String[0];
                    if (coordinates.length >= 2) {
                        byArtifact.putIfAbsent(coordinates[1], feature.getName());
                    }
                }
            }
        } catch (Exception e) {
            return Map.of();  // mid-refresh: the next heartbeat tells
        }
        Map<String, String> out = new HashMap<>();
        for (Bundle bundle : context.getBundles()) {
            String feature = byLocation.get(bundle.getLocation());
            if (feature == null && bundle.getSymbolicName() != null) {
                feature = byArtifact.get(bundle.getSymbolicName());
            }
            if (feature != null && bundle.getSymbolicName() != null) {
                out.putIfAbsent(bundle.getSymbolicName(), feature);
            }
        }
        return out;
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
