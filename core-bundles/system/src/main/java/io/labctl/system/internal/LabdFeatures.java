package io.labctl.system.internal;

import io.labctl.persistence.SchemaState;
import io.labctl.persistence.Schemas;
import io.labctl.protocol.CapabilityInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.karaf.features.BundleInfo;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.features.Repository;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.ReferenceDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

/**
 * labd's capabilities: the {@code labd-*} features of the repository that defines {@code labd}, each with its state
 * as Karaf, the framework, DS and the persistence bundle see it now.
 */
@Component(service = LabdFeatures.class)
public class LabdFeatures {
    static final String LABD = "labd";
    private static final String SCHEMA_HEADER = "Labctl-Schema";

    private final FeaturesService features;
    private final ServiceComponentRuntime scr;
    private final BundleContext context;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Schemas schemas;

    @Activate
    public LabdFeatures(@Reference FeaturesService features, @Reference ServiceComponentRuntime scr, BundleContext context) {
        this.features = features;
        this.scr = scr;
        this.context = context;
    }

    public List<CapabilityInfo> list() throws Exception {
        Schemas known = schemas;
        Function<String, Optional<SchemaState>> schemaStates = known == null ? null : known::state;
        List<CapabilityInfo> out = new ArrayList<>();
        List<Feature> all = capabilities();
        java.util.Set<String> installedNames = new java.util.HashSet<>();
        for (Feature f : all) {
            if (features.isInstalled(f)) {
                installedNames.add(f.getName());
            }
        }
        for (Feature f : all) {
            boolean installed = features.isInstalled(f);
            if (!installed && installedNames.contains(f.getName())) {
                continue;  // an upgrade runs another version of it: that one is listed
            }
            List<BundleFacts> bundles = installed ? bundlesOf(f) : List.of();
            out.add(CapabilityStates.of(f.getName(), f.getVersion(), installed, bundles, schemaStates));
        }
        return out;
    }

    /** One feature's state now (not-installed when Karaf knows no such feature or it is not installed). */
    public CapabilityInfo state(String name, String version) throws Exception {
        Feature f = features.getFeature(name, version);
        if (f == null) {
            return new CapabilityInfo(name, version, CapabilityInfo.NOT_INSTALLED, null, null, null);
        }
        Schemas known = schemas;
        boolean installed = features.isInstalled(f);
        return CapabilityStates.of(f.getName(), f.getVersion(), installed, installed ? bundlesOf(f) : List.of(),
                known == null ? null : known::state);
    }

    /**
     * labd's own capabilities (the labd-* features of the repository that defines labd), installed or not, and every
     * other installed labd-* feature: a capability added later (from a .kar, say) ships its own repository.
     */
    private List<Feature> capabilities() throws Exception {
        Map<String, Feature> byName = new TreeMap<>();
        boolean labdFound = false;
        for (Repository r : features.listRepositories()) {
            Feature[] all = r.getFeatures();
            boolean labds = Arrays.stream(all).anyMatch(f -> f.getName().equals(LABD));
            labdFound |= labds;
            for (Feature f : all) {
                if (f.getName().startsWith(LABD + "-") && (labds || features.isInstalled(f))) {
                    byName.putIfAbsent(f.getName() + "/" + f.getVersion(), f);
                }
            }
        }
        if (!labdFound) {
            throw new IllegalStateException("no features repository defines the '" + LABD + "' feature");
        }
        return List.copyOf(byName.values());
    }

    /** The feature's own bundles (not the libraries it pulls in as dependencies). */
    private List<BundleFacts> bundlesOf(Feature f) {
        List<BundleFacts> out = new ArrayList<>();
        for (BundleInfo info : f.getBundles()) {
            if (info.isDependency()) {
                continue;
            }
            Bundle b = context.getBundle(info.getLocation());
            if (b == null) {
                b = updatedInPlace(info.getLocation());
            }
            out.add(b == null ? new BundleFacts(null, false, "not installed", null, List.of()) : facts(b));
        }
        return out;
    }

    /**
     * Karaf upgrades a bundle by updating the installed one of the same symbolic name, which keeps its first location:
     * a version made from labd's repository (a file: jar, see {@link LabdChanges}) is found by its manifest instead.
     */
    private Bundle updatedInPlace(String location) {
        if (!location.startsWith("file:")) {
            return null;
        }
        SystemDecisions.Manifested m;
        try {
            m = SystemDecisions.manifest(java.nio.file.Path.of(java.net.URI.create(location)));
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (m == null) {
            return null;
        }
        for (Bundle b : context.getBundles()) {
            if (m.symbolicName().equals(b.getSymbolicName()) && m.version().equals(b.getVersion())) {
                return b;
            }
        }
        return null;
    }

    private BundleFacts facts(Bundle b) {
        boolean lazy = Constants.ACTIVATION_LAZY.equals(b.getHeaders().get(Constants.BUNDLE_ACTIVATIONPOLICY));
        // a fragment is never started: attached to its host (resolved) is as far as it goes
        boolean fragment = b.getHeaders().get(Constants.FRAGMENT_HOST) != null;
        boolean active = b.getState() == Bundle.ACTIVE || (lazy && b.getState() == Bundle.STARTING)
                || (fragment && b.getState() == Bundle.RESOLVED);
        String schema = b.getHeaders().get(SCHEMA_HEADER);
        return new BundleFacts(b.getSymbolicName(), active, stateName(b.getState()),
                schema == null ? null : schema.split(";")[0].strip(), active ? componentProblems(b) : List.of());
    }

    /** Enabled components that wait for a service or failed to activate; ones without their configuration are idle on purpose. */
    private List<String> componentProblems(Bundle b) {
        List<String> out = new ArrayList<>();
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(b)) {
            if (!scr.isComponentEnabled(d)) {
                continue;
            }
            for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                if (c.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                    out.add("component " + d.name + " failed to activate: " + firstLine(c.failure));
                } else if (c.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE) {
                    for (UnsatisfiedReferenceDTO u : c.unsatisfiedReferences) {
                        out.add("component " + d.name + " waits for " + wanted(d, u));
                    }
                }
            }
        }
        return out;
    }

    /** DS gives the whole stack trace: its first line says what happened. */
    static String firstLine(String failure) {
        return failure == null ? "(no reason given)" : failure.lines().findFirst().orElse(failure).strip();
    }

    private static String wanted(ComponentDescriptionDTO d, UnsatisfiedReferenceDTO u) {
        for (ReferenceDTO r : d.references) {
            if (r.name.equals(u.name)) {
                return r.interfaceName + (u.target == null ? "" : " " + u.target);
            }
        }
        return u.name;
    }

    private static String stateName(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "installed (not resolved: a package it needs is missing)";
            case Bundle.RESOLVED -> "resolved";
            case Bundle.STARTING -> "starting";
            case Bundle.STOPPING -> "stopping";
            case Bundle.ACTIVE -> "active";
            default -> "uninstalled";
        };
    }
}
