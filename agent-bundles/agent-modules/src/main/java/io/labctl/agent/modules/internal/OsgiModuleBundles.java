package io.labctl.agent.modules.internal;

import io.labctl.module.ConfigurationModule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleWiring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Module bundles in this agent's OSGi framework, installed live. Each has a stable location made of the module's
 * name, version and content digest ({@code labctl-module:NAME/VERSION/SHA256}), so the same content is installed
 * once, and the location says which cached jar it came from.
 */
final class OsgiModuleBundles implements ModuleBundles {
    private static final Logger LOG = LoggerFactory.getLogger(OsgiModuleBundles.class);
    static final String LOCATION_PREFIX = "labctl-module:";
    /** The package module bundles import: its version on this agent is "the module API it has". */
    static final String MODULE_API_PACKAGE = ConfigurationModule.class.getPackageName();
    private static final long POLL_MILLIS = 100;

    private final BundleContext context;

    OsgiModuleBundles(BundleContext context) {
        this.context = context;
    }

    static String location(String module, String version, String sha256) {
        return LOCATION_PREFIX + module + "/" + version + "/" + sha256;
    }

    @Override
    public Installed install(String module, String version, String sha256, Path jar) throws ModuleRunException {
        String location = location(module, version, sha256);
        Bundle bundle = context.getBundle(location);
        if (bundle == null) {
            // the same version with other content cannot live beside it (one symbolic name and version each)
            uninstall(bundlesOf(module).stream().filter(b -> b.getLocation().startsWith(
                    LOCATION_PREFIX + module + "/" + version + "/")).toList());
            try (InputStream in = Files.newInputStream(jar)) {
                bundle = context.installBundle(location, in);
            } catch (IOException | BundleException | RuntimeException e) {
                throw new ModuleRunException(ModuleRunException.UNRESOLVABLE, "module " + module + " " + version
                        + " cannot be installed on this agent: " + e.getMessage(), e);
            }
            LOG.info("installed module {} {} as bundle {} ({})", module, version, bundle.getBundleId(),
                    bundle.getSymbolicName());
        }
        try {
            bundle.start();
        } catch (BundleException | RuntimeException e) {
            String reason = unresolvedReason(bundle, e);
            uninstall(List.of(bundle));
            throw new ModuleRunException(ModuleRunException.UNRESOLVABLE, "module " + module + " " + version
                    + " cannot run on this agent: " + reason, e);
        }
        return new Installed(module, version, sha256);
    }

    /** The imports nobody here provides, and this agent's module API; the framework's words if that is not it. */
    private String unresolvedReason(Bundle bundle, Exception failure) {
        Map<String, List<Version>> exported = exportedPackages();
        List<ImportPackages.Import> missing = ImportPackages.unsatisfied(
                ImportPackages.parse(bundle.getHeaders().get(Constants.IMPORT_PACKAGE)), exported);
        String api = exported.getOrDefault(MODULE_API_PACKAGE, List.of()).stream().map(Version::toString)
                .collect(Collectors.joining(", "));
        String has = "this agent has " + MODULE_API_PACKAGE + " " + (api.isEmpty() ? "(none)" : api);
        if (missing.isEmpty()) {
            return failure.getMessage() + " (" + has + ")";
        }
        return "it requires " + missing.stream().map(ImportPackages.Import::toString).collect(Collectors.joining(", "))
                + ", and " + has + ". Apply a version of the module built for this module API, or upgrade lab-agent";
    }

    /** Every package exported in the framework now, with the versions on offer. */
    private Map<String, List<Version>> exportedPackages() {
        Map<String, List<Version>> exported = new HashMap<>();
        for (Bundle b : context.getBundles()) {
            BundleWiring wiring = b.adapt(BundleWiring.class);
            if (wiring == null) {
                continue;
            }
            for (BundleCapability capability : wiring.getCapabilities(PackageNamespace.PACKAGE_NAMESPACE)) {
                Object name = capability.getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE);
                Object version = capability.getAttributes().get(PackageNamespace.CAPABILITY_VERSION_ATTRIBUTE);
                if (name instanceof String pkg) {
                    exported.computeIfAbsent(pkg, k -> new ArrayList<>())
                            .add(version instanceof Version v ? v : Version.emptyVersion);
                }
            }
        }
        return exported;
    }

    @Override
    public Lease await(Installed installed, Duration timeout) throws ModuleRunException, InterruptedException {
        Bundle bundle = context.getBundle(location(installed.module(), installed.version(), installed.sha256()));
        long deadline = System.nanoTime() + timeout.toNanos();
        String filter = "(" + ConfigurationModule.NAME + "=" + installed.module() + ")";
        while (true) {
            ServiceReference<ConfigurationModule> ref = fromBundle(bundle, filter);
            ConfigurationModule module = ref == null ? null : context.getService(ref);
            if (module != null) {
                return new Lease() {
                    @Override
                    public ConfigurationModule module() {
                        return module;
                    }

                    @Override
                    public void close() {
                        try {
                            context.ungetService(ref);
                        } catch (IllegalStateException | IllegalArgumentException e) {
                            // the bundle or the agent went meanwhile: nothing to hand back
                        }
                    }
                };
            }
            if (System.nanoTime() >= deadline || bundle == null) {
                throw new ModuleRunException(ModuleRunException.MISSING, "module " + installed.module() + " "
                        + installed.version() + " started, but registered no ConfigurationModule service with "
                        + ConfigurationModule.NAME + "=" + installed.module() + " within " + timeout.toSeconds()
                        + " s: check the component's name property and that its references are satisfied");
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** The module's service registered by exactly this bundle (not by another version of it). */
    private ServiceReference<ConfigurationModule> fromBundle(Bundle bundle, String filter) {
        if (bundle == null) {
            return null;
        }
        Collection<ServiceReference<ConfigurationModule>> refs;
        try {
            refs = context.getServiceReferences(ConfigurationModule.class, filter);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("module names are checked before they get here", e);
        }
        return refs.stream().filter(r -> bundle.equals(r.getBundle())).findFirst().orElse(null);
    }

    @Override
    public void retireOthers(Installed current) {
        String keep = location(current.module(), current.version(), current.sha256());
        uninstall(bundlesOf(current.module()).stream().filter(b -> !b.getLocation().equals(keep)).toList());
    }

    @Override
    public void uninstallAll(String module) {
        uninstall(bundlesOf(module));
    }

    @Override
    public Set<String> installedDigests() {
        Set<String> digests = new HashSet<>();
        for (Bundle b : context.getBundles()) {
            String location = b.getLocation();
            if (location.startsWith(LOCATION_PREFIX)) {
                digests.add(location.substring(location.lastIndexOf('/') + 1));
            }
        }
        return digests;
    }

    private List<Bundle> bundlesOf(String module) {
        List<Bundle> bundles = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (b.getLocation().startsWith(LOCATION_PREFIX + module + "/")) {
                bundles.add(b);
            }
        }
        return bundles;
    }

    private static void uninstall(List<Bundle> bundles) {
        for (Bundle b : bundles) {
            try {
                b.uninstall();
                LOG.info("uninstalled module bundle {} ({})", b.getSymbolicName(), b.getLocation());
            } catch (BundleException | IllegalStateException e) {
                LOG.warn("cannot uninstall module bundle {}: {}", b.getLocation(), e.getMessage());
            }
        }
    }
}
