package io.labctl.agent.modules.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.agent.modules.testmodule.MotdActivator;
import io.labctl.module.ConfigurationModule;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.apache.felix.framework.Felix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;

/**
 * Live installs in a real OSGi framework (Felix, as in Karaf): the module API is exported at 1.0.0 as on an agent,
 * and test module bundles are jars made here around {@link MotdActivator}.
 */
class OsgiModuleBundlesTest {
    static final String SHA1 = "11".repeat(32);
    static final String SHA2 = "22".repeat(32);

    @TempDir
    Path tmp;

    Felix framework;
    OsgiModuleBundles bundles;

    @BeforeEach
    void startFramework() throws Exception {
        framework = new Felix(Map.of(
                Constants.FRAMEWORK_STORAGE, tmp.resolve("felix").toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT,
                Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, OsgiModuleBundles.MODULE_API_PACKAGE + ";version=1.0.0"));
        framework.start();
        bundles = new OsgiModuleBundles(framework.getBundleContext());
    }

    @AfterEach
    void stopFramework() throws Exception {
        framework.stop();
        framework.waitForStop(10_000);
    }

    /** A module bundle: the activator and a manifest importing the module API in the given range. */
    Path moduleJar(String version, String apiRange, boolean withActivator) throws Exception {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        main.putValue(Constants.BUNDLE_SYMBOLICNAME, "test.modules.motd");
        main.putValue(Constants.BUNDLE_VERSION, version);
        main.putValue(Constants.IMPORT_PACKAGE, "io.labctl.module;version=\"" + apiRange + "\",org.osgi.framework");
        if (withActivator) {
            main.putValue(Constants.BUNDLE_ACTIVATOR, MotdActivator.class.getName());
        }
        Path jar = tmp.resolve("motd-" + version + "-" + apiRange.hashCode() + ".jar");
        String classFile = MotdActivator.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
             InputStream in = MotdActivator.class.getClassLoader().getResourceAsStream(classFile)) {
            out.putNextEntry(new JarEntry(classFile));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }

    List<Bundle> moduleBundles() {
        return Arrays.stream(framework.getBundleContext().getBundles())
                .filter(b -> b.getLocation().startsWith(OsgiModuleBundles.LOCATION_PREFIX)).toList();
    }

    static String servedVersion(ModuleBundles.Lease lease) throws Exception {
        return lease.module().desiredState(null).resources().get(0).id();
    }

    @Test
    void installsStartsAndServesTheModuleThenRetiresTheOtherVersion() throws Exception {
        ModuleBundles.Installed v1 = bundles.install("motd", "1.0.0", SHA1, moduleJar("1.0.0", "[1.0,2)", true));
        try (ModuleBundles.Lease lease = bundles.await(v1, Duration.ofSeconds(10))) {
            assertEquals("file:/etc/motd-1.0.0", servedVersion(lease));
        }
        assertEquals(List.of("labctl-module:motd/1.0.0/" + SHA1),
                moduleBundles().stream().map(Bundle::getLocation).toList());

        ModuleBundles.Installed again = bundles.install("motd", "1.0.0", SHA1, moduleJar("1.0.0", "[1.0,2)", true));
        assertEquals(1, moduleBundles().size(), "the same content is installed once");

        ModuleBundles.Installed v2 = bundles.install("motd", "1.1.0", SHA2, moduleJar("1.1.0", "[1.0,2)", true));
        try (ModuleBundles.Lease lease = bundles.await(v2, Duration.ofSeconds(10))) {
            assertEquals("file:/etc/motd-1.1.0", servedVersion(lease), "the new version's service, not the old one's");
        }
        assertEquals(2, moduleBundles().size(), "both live until the new one has served");
        bundles.retireOthers(v2);
        assertEquals(List.of("labctl-module:motd/1.1.0/" + SHA2),
                moduleBundles().stream().map(Bundle::getLocation).toList());
        assertEquals(Set.of(SHA2), bundles.installedDigests());
        assertEquals(Bundle.ACTIVE, moduleBundles().get(0).getState());

        bundles.uninstallAll("motd");
        assertEquals(List.of(), moduleBundles());
        assertEquals(v1, again);
    }

    @Test
    void aModuleForAnotherApiIsRefusedNamingTheRequirementAndTheApiHereAndLeavesNothingInstalled() throws Exception {
        var e = assertThrows(ModuleRunException.class,
                () -> bundles.install("motd", "2.0.0", SHA1, moduleJar("2.0.0", "[2.0,3)", true)));
        assertEquals(ModuleRunException.UNRESOLVABLE, e.code());
        assertTrue(e.getMessage().contains("module motd 2.0.0 cannot run on this agent: it requires io.labctl.module"
                + " [2.0,3), and this agent has io.labctl.module 1.0.0"), e.getMessage());
        assertEquals(List.of(), moduleBundles(), "the failed bundle is uninstalled");
    }

    @Test
    void aBundleThatRegistersNoModuleIsModuleMissing() throws Exception {
        ModuleBundles.Installed quiet = bundles.install("motd", "1.0.0", SHA1, moduleJar("1.0.0", "[1.0,2)", false));
        var e = assertThrows(ModuleRunException.class, () -> bundles.await(quiet, Duration.ofMillis(300)));
        assertEquals(ModuleRunException.MISSING, e.code());
        assertTrue(e.getMessage().contains("registered no ConfigurationModule service with "
                + ConfigurationModule.NAME + "=motd within 0 s"), e.getMessage());
    }
}
