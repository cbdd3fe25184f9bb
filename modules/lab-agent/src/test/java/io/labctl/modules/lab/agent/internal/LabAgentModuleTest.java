package io.labctl.modules.lab.agent.internal;

import static io.labctl.modules.support.ModuleFixture.assertStatus;
import static io.labctl.protocol.modules.ResourceResult.CHANGED;
import static io.labctl.protocol.modules.ResourceResult.UNCHANGED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.module.ModuleException;
import io.labctl.module.ServiceResource;
import io.labctl.module.engine.EngineRun;
import io.labctl.modules.support.ModuleFixture;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabAgentModuleTest {
    static final String CONFIG = "/opt/lab-agent/etc/io.labctl.agent.cfg";

    @TempDir
    Path root;

    ModuleFixture fixture() {
        return ModuleFixture.of(new LabAgentModule(), root).server("web-1")
                .set("serverUrl", "https://labd.example.org:8443");
    }

    @Test
    void writesTheConfigurationTheAgentReadsAndASecondApplyChangesNothing() throws Exception {
        ModuleFixture fixture = fixture().set("heartbeatSeconds", "7");
        EngineRun first = fixture.tester().apply();
        assertStatus(first, "file:" + CONFIG, CHANGED);

        Properties cfg = new Properties();
        cfg.load(new StringReader(Files.readString(fixture.file(CONFIG))));
        // the keys of agent-core's AgentConfig, and the name the agent enrolled with
        assertEquals("https://labd.example.org:8443", cfg.getProperty("serverUrl"));
        assertEquals("web-1", cfg.getProperty("name"));
        assertEquals("7", cfg.getProperty("heartbeatSeconds"));
        assertEquals("1000", cfg.getProperty("reconnectMinMillis"));
        assertEquals("60000", cfg.getProperty("reconnectMaxMillis"));
        assertFalse(cfg.containsKey("token") || cfg.containsKey("tokenFile"), "an enrolled agent needs no join token");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(fixture.file(CONFIG))));

        EngineRun second = fixture.tester().apply();
        assertStatus(second, "file:" + CONFIG, UNCHANGED);
        assertEquals(0, second.changed(), ModuleFixture.describe(second));
    }

    @Test
    void aChangedInputShowsAsADiffOfTheConfiguration() throws Exception {
        fixture().tester().apply();
        EngineRun plan = fixture().set("heartbeatSeconds", "9").tester().plan();
        assertStatus(plan, "file:" + CONFIG, CHANGED);
        assertTrue(ModuleFixture.result(plan, "file:" + CONFIG).diff().contains("heartbeatSeconds = 9"));
        assertTrue(Files.readString(fixture().file(CONFIG)).contains("heartbeatSeconds = 5\n"), "a plan changes nothing");
    }

    @Test
    void theUnitRunsTheAgentAndRestartsWhenTheConfigurationChanges() throws Exception {
        ServiceResource service = (ServiceResource) fixture().set("installDir", "/srv/agent")
                .set("javaHome", "/usr/lib/jvm/java-17").set("javaOpts", "-Xmx64m").tester().desiredState()
                .resources().stream().filter(r -> r instanceof ServiceResource).findFirst().orElseThrow();
        assertEquals("lab-agent.service", service.unit());
        assertEquals(Boolean.TRUE, service.enabled());
        assertEquals(Boolean.TRUE, service.running());
        assertEquals(java.util.List.of("file:/srv/agent/etc/io.labctl.agent.cfg"), service.watched());
        String unit = service.unitFile();
        assertTrue(unit.contains("ExecStart=/srv/agent/bin/lab-agent\n"), unit);
        assertTrue(unit.contains("Environment=\"JAVA_HOME=/usr/lib/jvm/java-17\"\n"), unit);
        assertTrue(unit.contains("Environment=\"LAB_AGENT_JAVA_OPTS=-Xmx64m\"\n"), unit);
        assertTrue(unit.contains("Restart=always\n") && unit.contains("WantedBy=multi-user.target\n"), unit);
    }

    @Test
    void badInputsAreRefusedNamingTheInput() {
        assertTrue(assertThrows(ModuleException.class, () -> fixture().set("serverUrl", "http://labd:8443").tester()
                .apply()).getMessage().contains("'serverUrl'"));
        assertTrue(assertThrows(ModuleException.class, () -> fixture().set("installDir", "opt").tester()
                .apply()).getMessage().contains("'installDir'"));
        assertFalse(Files.exists(root.resolve("opt")), "nothing written");
    }

    @Test
    void removalLeavesTheAgentAlone() throws Exception {
        fixture().tester().apply();
        EngineRun removed = fixture().tester().remove();
        assertEquals(Set.of(), Set.copyOf(removed.results()));
        assertTrue(Files.exists(fixture().file(CONFIG)));
    }

    @Test
    void itsModuleYamlIsValidAndMarksTheSecretInputs() {
        var descriptor = ModuleFixture.descriptorOf(new LabAgentModule());
        assertEquals("lab-agent", descriptor.name());
        assertEquals("1.0.0", descriptor.version());
        assertEquals(Set.of(), descriptor.secretInputs());
    }
}
