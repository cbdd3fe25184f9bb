package io.labctl.modules.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.ApiException;
import io.labctl.protocol.AgentCapability;
import io.labctl.protocol.HostFacts;
import io.labctl.protocol.ServerInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentUpgradesTest {
    static ServerInfo server(String name, List<AgentCapability> caps) {
        HostFacts f = new HostFacts(name, "Debian", "6.1", "amd64", 2, 1L, List.of(), "0.1.0", List.of(), "debian", "12", caps);
        return new ServerInfo(name, name, null, null, null, Map.of(), ServerInfo.ONLINE, null, null, f, null, null);
    }

    static final List<AgentCapability> CAPS = List.of(
            new AgentCapability("lab-agent-logs", "io.labctl.agent.logs", "0.1.0", "active"),
            new AgentCapability("lab-agent-modules", "labctl-module-api", "0.1.0", "active"),
            new AgentCapability("lab-agent-modules", "io.labctl.agent.modules", "0.1.0", "active"));

    @Test
    void theFeatureNamesOneBundleByItsFullOrShortName() {
        List<ServerInfo> servers = List.of(server("a", CAPS), server("old", null));
        AgentUpgrades.Target logs = new AgentUpgrades.Target("lab-agent-logs", "io.labctl.agent.logs");
        assertEquals(logs, AgentUpgrades.targetOf("lab-agent-logs", servers));
        assertEquals(logs, AgentUpgrades.targetOf("logs", servers));
    }

    @Test
    void aFeatureNobodyReportsOrOfSeveralBundlesIsRefusedWithTheFix() {
        List<ServerInfo> servers = List.of(server("a", CAPS));
        ApiException none = assertThrows(ApiException.class, () -> AgentUpgrades.targetOf("exec", servers));
        assertEquals(404, none.status());
        assertTrue(none.getMessage().contains("labctl agents versions"), none.getMessage());
        ApiException several = assertThrows(ApiException.class, () -> AgentUpgrades.targetOf("modules", servers));
        assertEquals(400, several.status());
        assertTrue(several.getMessage().contains("io.labctl.agent.modules, labctl-module-api"), several.getMessage());
    }
}
