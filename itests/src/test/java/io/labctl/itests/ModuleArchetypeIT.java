package io.labctl.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.itests.support.SdkProjects;
import io.labctl.module.testkit.Machine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A configuration module as an author starts one: generated from this build's module archetype, built offline against
 * this build's artifacts (target/sdk-repo), its tests run with the module test kit through lab-agent's engine (on a
 * scratch root, and on a real machine where one can boot), and the bundle is what lab-agent installs: module.yaml at its
 * root, its ConfigurationModule registered under the module's name, the module API imported as [1.0,2).
 */
class ModuleArchetypeIT {
    static final String MODULE = "greeter";
    static final String PACKAGE = "com.example.greeter";

    @TempDir
    static Path dir;
    static Path project;

    @BeforeAll
    static void generateAndBuild() throws Exception {
        SdkProjects sdk = SdkProjects.in(dir);
        project = sdk.generate("labctl-module-archetype", "greeter-module", "-DmoduleName=" + MODULE, "-Dpackage=" + PACKAGE);
        sdk.mvn(project, "verify");
    }

    @Test
    void theBundleCarriesItsDescriptorAndRegistersItsModuleUnderItsName() throws Exception {
        try (JarFile jar = new JarFile(project.resolve("target/greeter-module-1.0.0.jar").toFile())) {
            Attributes manifest = jar.getManifest().getMainAttributes();
            assertEquals(PACKAGE, manifest.getValue("Bundle-SymbolicName"));
            assertEquals("1.0.0", manifest.getValue("Bundle-Version"));
            assertTrue(manifest.getValue("Import-Package").contains("io.labctl.module;version=\"[1.0,2)\""),
                    manifest.getValue("Import-Package"));

            String descriptor = text(jar, jar.getEntry("module.yaml"));
            assertTrue(descriptor.contains("\nname: " + MODULE + "\n") && descriptor.contains("\nversion: 1.0.0\n"), descriptor);

            ZipEntry component = jar.getEntry("OSGI-INF/" + PACKAGE + ".internal.Module.xml");
            assertNotNull(component, "no DS component descriptor");
            String xml = text(jar, component);
            assertTrue(xml.contains("name=\"labctl.module.name\"") && xml.contains("value=\"" + MODULE + "\""), xml);
            assertTrue(xml.contains("io.labctl.module.ConfigurationModule"), xml);
        }
    }

    @Test
    void theGeneratedTestsRanThroughTheEngine() throws Exception {
        String scratch = report("ModuleTest");
        assertTrue(scratch.contains("Tests run: 4, Failures: 0, Errors: 0, Skipped: 0"), scratch);
        // on a machine where none can boot (not root, tools missing) the real-machine test shows as skipped
        String machine = report("ModuleOnMachineTest");
        String expected = Machine.available() ? "Tests run: 1, Failures: 0, Errors: 0, Skipped: 0"
                : "Tests run: 1, Failures: 0, Errors: 0, Skipped: 1";
        assertTrue(machine.contains(expected), machine);
    }

    static String report(String test) throws IOException {
        return Files.readString(project.resolve("target/surefire-reports/" + PACKAGE + ".internal." + test + ".txt"));
    }

    static String text(JarFile jar, ZipEntry entry) throws IOException {
        assertNotNull(entry);
        try (var in = jar.getInputStream(entry)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
