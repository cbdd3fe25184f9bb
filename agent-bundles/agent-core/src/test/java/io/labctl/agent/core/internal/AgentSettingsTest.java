package io.labctl.agent.core.internal;

import static io.labctl.agent.core.internal.TestConfigs.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentSettingsTest {
    @Test
    void fileValuesWithDefaults() {
        AgentSettings s = AgentSettings.resolve(config("https://labd.example:8443/", "", "", "", "/var/lib/agent/identity", 0, 0, 0),
                k -> null, () -> "web-01");
        assertEquals("https://labd.example:8443/api/v1/enrol", s.endpoint("/api/v1/enrol").toString());
        assertEquals("wss://labd.example:8443/ws/agent", s.agentSocket().toString());
        assertEquals("web-01", s.name());
        assertEquals(Path.of("/var/lib/agent/identity"), s.identityDir());
        assertEquals(5, s.heartbeat().toSeconds());
        assertEquals(1000, s.reconnectMinMillis());
        assertEquals(60000, s.reconnectMaxMillis());
        assertNull(s.token());
    }

    @Test
    void environmentOverridesTheFile() {
        Map<String, String> env = Map.of("LABCTL_SERVER", "https://other:9443", "LABCTL_TOKEN", "from-env",
                "LABCTL_NAME", "db-02");
        AgentSettings s = AgentSettings.resolve(config("https://labd.example:8443", "from-file", "", "web-01", "/x", 5, 1000, 60000),
                env::get, () -> "host");
        assertEquals("wss://other:9443/ws/agent", s.agentSocket().toString());
        assertEquals("from-env", s.token());
        assertEquals("db-02", s.name());
    }

    @Test
    void tokenFileAndKarafHome(@TempDir Path tmp) throws Exception {
        Path tokenFile = Files.writeString(tmp.resolve("token"), "lab1.secret-stuff\n");
        System.setProperty("karaf.home", tmp.toString());
        try {
            AgentSettings s = AgentSettings.resolve(config("https://labd:8443", "", tokenFile.toString(), "", "${karaf.home}/identity",
                    5, 1000, 60000), k -> null, () -> "web-01");
            assertEquals("lab1.secret-stuff", s.token());
            assertEquals(tmp.resolve("identity"), s.identityDir());
        } finally {
            System.clearProperty("karaf.home");
        }
    }

    @Test
    void mistakesAreExplained() {
        var noServer = assertThrows(IllegalArgumentException.class,
                () -> AgentSettings.resolve(config("", "", "", "", "/x", 5, 1, 2), k -> null, () -> "h"));
        assertTrue(noServer.getMessage().contains("LABCTL_SERVER"));
        var plainHttp = assertThrows(IllegalArgumentException.class,
                () -> AgentSettings.resolve(config("http://labd:8080", "", "", "", "/x", 5, 1, 2), k -> null, () -> "h"));
        assertTrue(plainHttp.getMessage().contains("https://"));
        var badName = assertThrows(IllegalArgumentException.class,
                () -> AgentSettings.resolve(config("https://labd", "", "", "Web_01", "/x", 5, 1, 2), k -> null, () -> "h"));
        assertTrue(badName.getMessage().contains("Web_01"));
    }
}
