package io.labctl.modules.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.protocol.modules.ModuleDescriptor;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A core module's built jar is what an agent and labd's repository expect (run by failsafe in each module, after
 * packaging; system property {@code module.jar}): module.yaml at the root, a bundle whose Bundle-Version is the
 * descriptor's, importing only the module API (the shared support code is inside), and one DS component registered
 * under the module's name.
 */
public class PackagedModuleIT {
    @Test
    void theJarIsASelfContainedModuleBundleRegisteredUnderItsName() throws Exception {
        String property = System.getProperty("module.jar");
        Assumptions.assumeTrue(property != null, "run by failsafe in a module project");
        Path jarPath = Path.of(property);
        assertTrue(Files.isRegularFile(jarPath), jarPath + " not built");
        try (JarFile jar = new JarFile(jarPath.toFile())) {
            ZipEntry yaml = jar.getEntry("module.yaml");
            assertNotNull(yaml, "module.yaml at the jar's root");
            ModuleDescriptor descriptor;
            try (InputStream in = jar.getInputStream(yaml)) {
                descriptor = ModuleDescriptor.parse(in.readAllBytes());
            }
            Attributes manifest = jar.getManifest().getMainAttributes();
            assertEquals("io.labctl.modules." + descriptor.name().replace('-', '.'),
                    manifest.getValue("Bundle-SymbolicName"));
            assertEquals(descriptor.version(), manifest.getValue("Bundle-Version"));
            assertEquals("io.labctl.module;version=\"[1.0,2)\"", manifest.getValue("Import-Package"),
                    "imports the module API only");
            String components = manifest.getValue("Service-Component");
            assertNotNull(components, "a DS component");
            assertEquals(1, components.split(",").length, components);
            String xml;
            try (InputStream in = jar.getInputStream(jar.getEntry(components.strip()))) {
                xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertTrue(xml.contains("<provide interface=\"io.labctl.module.ConfigurationModule\"/>"), xml);
            assertTrue(xml.contains("<property name=\"labctl.module.name\" type=\"String\" value=\""
                    + descriptor.name() + "\"/>"), xml);
        }
    }
}
