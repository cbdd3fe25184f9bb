package io.labctl.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.cli.render.AgentPrinter.FleetVersion;
import io.labctl.cli.render.AgentPrinter.FleetVersions;
import io.labctl.protocol.AgentCapability;
import io.labctl.protocol.HostFacts;
import io.labctl.protocol.Json;
import io.labctl.protocol.ServerInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentPrinterTest {
    static final String V = "0.1.0.SNAPSHOT";

    static AgentCapability cap(String feature, String bundle, String version, String state) {
        return new AgentCapability(feature, bundle, version, state);
    }

    static ServerInfo server(String name, List<AgentCapability> caps) {
        HostFacts f = new HostFacts(name, "Debian", "6.1", "amd64", 2, 1L, List.of(), V, List.of(), "debian", "12", caps);
        return new ServerInfo(name, name, null, "lab", null, Map.of(), ServerInfo.ONLINE, null, null, f, null, null);
    }

    static List<AgentCapability> standard(String logsVersion) {
        return List.of(cap("lab-agent-core", "io.labctl.agent.core", V, "active"),
                cap("lab-agent-logs", "io.labctl.agent.logs", logsVersion, "active"),
                cap("lab-agent-modules", "labctl-module-api", V, "active"),
                cap("lab-agent-modules", "io.labctl.agent.modules", V, "active"));
    }

    @Test
    void theWideCellNamesEachFeatureOnceAndShowsOnlyVersionsOtherThanTheAgents() {
        assertEquals("core,logs,modules", AgentPrinter.cell(server("a", standard(V)).facts()));
        assertEquals("core,logs@0.2.0,modules", AgentPrinter.cell(server("a", standard("0.2.0")).facts()));
        List<AgentCapability> sideBySide = new ArrayList<>(standard(V));
        sideBySide.add(2, cap("lab-agent-logs", "io.labctl.agent.logs", "0.2.0", "resolved"));
        sideBySide.add(cap(null, "io.labctl.agent.extra", "1.0.0", "installed"));
        assertEquals("core,logs@0.1.0.SNAPSHOT+0.2.0,modules,io.labctl.agent.extra@1.0.0(installed)",
                AgentPrinter.cell(server("a", sideBySide).facts()));
        assertEquals("-", AgentPrinter.cell(null));
        assertEquals("-", AgentPrinter.cell(new HostFacts("h", "o", "k", "a", 1, 1L, List.of(), V, List.of("lab-agent"))));
    }

    @Test
    void describeListsEveryBundle() {
        String text = ServerPrinter.describe(server("web-1", standard("0.2.0")), null);
        assertTrue(text.endsWith(""
                + "Capabilities:\n"
                + "  FEATURE             BUNDLE                    VERSION          STATE\n"
                + "  lab-agent-core      io.labctl.agent.core      0.1.0.SNAPSHOT   active\n"
                + "  lab-agent-logs      io.labctl.agent.logs      0.2.0            active\n"
                + "  lab-agent-modules   labctl-module-api         0.1.0.SNAPSHOT   active\n"
                + "  lab-agent-modules   io.labctl.agent.modules   0.1.0.SNAPSHOT   active\n"), text);
    }

    @Test
    void theFleetSummaryCountsAgentsPerVersionAndNamesTheUnreported() throws Exception {
        List<ServerInfo> fleet = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            fleet.add(server("web-" + i, standard(i <= 2 ? "0.2.0" : V)));
        }
        fleet.add(new ServerInfo("x", "new-1", null, null, null, Map.of(), ServerInfo.NEVER_CONNECTED, null, null, null,
                null, null));
        fleet.add(server("old-1", null));

        FleetVersions all = AgentPrinter.summarise(fleet, null);
        assertEquals(List.of("new-1", "old-1"), all.unreported());
        assertEquals(new FleetVersion("lab-agent-logs", "io.labctl.agent.logs", "0.1.0.SNAPSHOT", 5,
                List.of("web-3", "web-4", "web-5", "web-6", "web-7")), all.versions().get(1));
        assertEquals(new FleetVersion("lab-agent-logs", "io.labctl.agent.logs", "0.2.0", 2, List.of("web-1", "web-2")),
                all.versions().get(2));
        assertEquals(List.of(
                "FEATURE             BUNDLE                    VERSION          AGENTS   SERVERS",
                "lab-agent-core      io.labctl.agent.core      0.1.0.SNAPSHOT   7        web-1,web-2,web-3,web-4,web-5,+2",
                "lab-agent-logs      io.labctl.agent.logs      0.1.0.SNAPSHOT   5        web-3,web-4,web-5,web-6,web-7",
                "lab-agent-logs      io.labctl.agent.logs      0.2.0            2        web-1,web-2",
                "lab-agent-modules   io.labctl.agent.modules   0.1.0.SNAPSHOT   7        web-1,web-2,web-3,web-4,web-5,+2",
                "lab-agent-modules   labctl-module-api         0.1.0.SNAPSHOT   7        web-1,web-2,web-3,web-4,web-5,+2"),
                AgentPrinter.versions(all).lines().map(String::stripTrailing).toList());

        FleetVersions logs = AgentPrinter.summarise(fleet, "logs");
        assertEquals(2, logs.versions().size());
        assertEquals(logs, AgentPrinter.summarise(fleet, "lab-agent-logs"));
        assertEquals(logs, Json.json().readValue(Formats.json(logs), FleetVersions.class));
    }
}
