package io.labctl.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.itests.support.Agent;
import io.labctl.itests.support.Cli;
import io.labctl.itests.support.Labd;
import io.labctl.protocol.AgentCapability;
import io.labctl.protocol.Json;
import io.labctl.protocol.ServerInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real agent reports its capabilities (each bundle with its feature, running version and state) to a real labd, and
 * the CLI shows them: get agents -o wide, describe server, agents versions (table and json).
 */
class AgentVersionsIT {
    @TempDir
    Path dir;

    @Test
    void anAgentsCapabilitiesAndVersionsReachTheCli() throws Exception {
        try (Labd labd = Labd.install(dir.resolve("labd"), null).start()) {
            Files.createDirectories(dir.resolve("cli"));
            Cli cli = new Cli(dir.resolve("cli/config.yaml"));
            cli.ok("config", "import", labd.adminBundle().toString());
            String token = cli.ok("create", "token", "--server", "cap-1").strip();
            try (Agent agent = Agent.install(dir.resolve("cap-1"), "cap-1", labd.url(), token).start()) {
                agent.awaitOnline(cli, Duration.ofSeconds(120), labd.log());
                ServerInfo server = cli.servers().stream().filter(s -> s.name().equals("cap-1")).findFirst().orElseThrow();
                List<AgentCapability> caps = server.facts().capabilities();
                assertNotNull(caps, "labd keeps the agent's capability report");
                String version = server.facts().agentVersion();
                for (String[] expected : new String[][] {{"lab-agent-core", "io.labctl.agent.core"},
                        {"lab-agent-logs", "io.labctl.agent.logs"}, {"lab-agent-exec", "io.labctl.agent.exec"},
                        {"lab-agent-ping", "io.labctl.agent.ping"}, {"lab-agent-modules", "io.labctl.agent.modules"}}) {
                    assertTrue(caps.contains(new AgentCapability(expected[0], expected[1], version, "active")),
                            expected[1] + " active at " + version + " under " + expected[0] + ": " + caps);
                }

                String wide = cli.ok("get", "agents", "-o", "wide");
                assertTrue(wide.lines().anyMatch(l -> l.startsWith("cap-1 ") && l.contains("core,exec,logs,modules,ping")),
                        wide);
                String describe = cli.ok("describe", "server/cap-1");
                assertTrue(describe.matches("(?s).*Capabilities:\n.*lab-agent-logs +io\\.labctl\\.agent\\.logs +"
                        + version.replace(".", "\\.") + " +active\n.*"), describe);

                String table = cli.ok("agents", "versions", "--feature", "logs");
                assertEquals(List.of("FEATURE          BUNDLE                 VERSION          AGENTS   SERVERS",
                        "lab-agent-logs   io.labctl.agent.logs   " + version + "   1        cap-1"),
                        table.lines().map(String::stripTrailing).toList());
                @SuppressWarnings("unchecked")
                Map<String, Object> json = Json.json().readValue(cli.ok("agents", "versions", "-o", "json"), Map.class);
                assertEquals(List.of(), json.get("unreported"));
                assertTrue(((List<?>) json.get("versions")).size() >= 5, json.toString());
            }
        }
    }
}
