package io.labctl.agent.modules.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Version;

class CapabilityUpgraderTest {
    @TempDir
    Path dir;

    Path bundle(String name, String version) throws Exception {
        Manifest m = new Manifest();
        m.getMainAttributes().putValue("Manifest-Version", "1.0");
        m.getMainAttributes().putValue("Bundle-SymbolicName", name + ";singleton:=true");
        m.getMainAttributes().putValue("Bundle-Version", version);
        Path jar = Files.createTempFile(dir, "b", ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), m)) {
            out.flush();
        }
        return jar;
    }

    @Test
    void theJarMustBeTheBundleAndVersionAskedFor() throws Exception {
        CapabilityUpgrader.checkManifest(bundle("io.labctl.agent.logs", "0.2.0"), "io.labctl.agent.logs", new Version("0.2.0"));
        ModuleRunException wrongName = assertThrows(ModuleRunException.class, () -> CapabilityUpgrader.checkManifest(
                bundle("io.labctl.agent.exec", "0.2.0"), "io.labctl.agent.logs", new Version("0.2.0")));
        assertTrue(wrongName.getMessage().contains("is bundle io.labctl.agent.exec 0.2.0, not io.labctl.agent.logs 0.2.0"),
                wrongName.getMessage());
        assertThrows(ModuleRunException.class, () -> CapabilityUpgrader.checkManifest(
                bundle("io.labctl.agent.logs", "0.3.0"), "io.labctl.agent.logs", new Version("0.2.0")));
        Path notAJar = Files.writeString(dir.resolve("x.jar"), "nope");
        assertThrows(ModuleRunException.class, () -> CapabilityUpgrader.checkManifest(notAJar, "io.labctl.agent.logs",
                new Version("0.2.0")));
    }

    @Test
    void requestsAreCheckedBeforeAnythingIsFetched() throws Exception {
        String sha = "a".repeat(64);
        CapabilityUpgrader.Request ok = CapabilityUpgrader.Request.fromParams(Map.of("name", "lab-agent-logs",
                "bundle", "io.labctl.agent.logs", "version", "0.2.0", "sha256", sha, "healthSeconds", 5));
        assertEquals(5, ok.health().toSeconds());
        assertEquals(60, ok.drain().toSeconds());
        for (Map<String, Object> bad : java.util.List.<Map<String, Object>>of(
                Map.of("name", "lab-agent-logs", "bundle", "io.labctl.agent.logs", "version", "0.2.0"),
                Map.of("name", "lab-agent-logs", "bundle", "../etc", "version", "0.2.0", "sha256", sha),
                Map.of("name", "../x", "bundle", "io.labctl.agent.logs", "version", "0.2.0", "sha256", sha),
                Map.of("name", "lab-agent-logs", "bundle", "io.labctl.agent.logs", "version", "not a version", "sha256", sha),
                Map.of("name", "lab-agent-logs", "bundle", "io.labctl.agent.logs", "version", "0.2.0", "sha256", "ABC"))) {
            ModuleRunException e = assertThrows(ModuleRunException.class, () -> CapabilityUpgrader.Request.fromParams(bad));
            assertEquals(ModuleRunException.INVALID_REQUEST, e.code(), bad.toString());
        }
    }

    @Test
    void theCoreToPutBackMustBeTheCoreAtTheVersionThatRuns() throws Exception {
        // the rollback jar is kept only when it is what runs: else a later rollback would put another version back
        assertTrue(CoreReplacer.runs(bundle(CoreReplacer.CORE, "0.2.0"), new Version("0.2.0")));
        assertTrue(!CoreReplacer.runs(bundle(CoreReplacer.CORE, "0.1.0"), new Version("0.2.0")));
        assertTrue(!CoreReplacer.runs(bundle("io.labctl.agent.logs", "0.2.0"), new Version("0.2.0")));
        assertTrue(!CapabilityUpgrader.NOT_LIVE.contains(CoreReplacer.CORE), "the core is replaced its own way");
        assertTrue(CapabilityUpgrader.NOT_LIVE.contains("io.labctl.agent.modules"), "the upgrader cannot replace itself");
    }
}
