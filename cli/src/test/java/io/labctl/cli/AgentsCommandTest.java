package io.labctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.cli.render.AgentPrinter.FleetVersions;
import io.labctl.cli.testsupport.TestCli;
import io.labctl.cli.testsupport.TestLabd;
import io.labctl.cli.testsupport.TestPki;
import io.labctl.protocol.AgentCapability;
import io.labctl.protocol.AgentUpgrade;
import io.labctl.protocol.Progress;
import io.labctl.protocol.HostFacts;
import io.labctl.protocol.Json;
import io.labctl.protocol.ServerInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** labctl agents versions and get agents -o wide against a stand-in labd over mutual TLS. */
class AgentsCommandTest {
    @TempDir
    Path home;
    TestLabd labd;
    TestCli cli;

    @BeforeEach
    void start() throws Exception {
        labd = new TestLabd(TestPki.get());
        cli = new TestCli(home).withContext(TestPki.get(), labd.url());
        labd.on("GET", "/api/v1/servers", 200, List.of(server("web-1", "0.2.0"), server("web-2", "0.1.0"),
                Samples.db1()));
    }

    @AfterEach
    void stop() {
        labd.close();
    }

    static ServerInfo server(String name, String logs) {
        HostFacts f = new HostFacts(name, "Debian", "6.1", "amd64", 2, 1L, List.of(), "0.1.0", List.of(), "debian", "12",
                List.of(new AgentCapability("lab-agent-core", "io.labctl.agent.core", "0.1.0", "active"),
                        new AgentCapability("lab-agent-logs", "io.labctl.agent.logs", logs, "active")));
        return new ServerInfo(name, name, null, "lab", null, Map.of(), ServerInfo.ONLINE, null, null, f, null, null);
    }

    @Test
    void versionsSummarisesTheFleetAsATableOrJson() throws Exception {
        TestCli.Result r = cli.run("agents", "versions", "-l", "env=lab");
        assertEquals(0, r.code(), r.toString());
        assertEquals(List.of(
                "FEATURE          BUNDLE                 VERSION   AGENTS   SERVERS",
                "lab-agent-core   io.labctl.agent.core   0.1.0     2        web-1,web-2",
                "lab-agent-logs   io.labctl.agent.logs   0.1.0     1        web-2",
                "lab-agent-logs   io.labctl.agent.logs   0.2.0     1        web-1"),
                r.out().lines().map(String::stripTrailing).toList());
        assertTrue(r.err().contains("1 server(s) without a report") && r.err().contains("db-1"), r.err());
        assertEquals("selector=env%3Dlab", labd.requests.get(labd.requests.size() - 1).query());

        r = cli.run("agents", "versions", "--feature", "logs", "-o", "json");
        assertEquals(0, r.code(), r.toString());
        FleetVersions fleet = Json.json().readValue(r.out(), FleetVersions.class);
        assertEquals(2, fleet.versions().size());
        assertEquals(List.of("db-1"), fleet.unreported());

        r = cli.run("get", "agents", "-o", "wide");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().split("\n")[1].matches("web-1 .* 0\\.1\\.0 +core,logs@0\\.2\\.0 .*"), r.out());
    }

    @Test
    void badInputIsAUsageError() {
        assertEquals(2, cli.run("agents", "versions", "-l", "env=lab,,role=x").code());
        assertEquals(2, cli.run("agents", "versions", "-o", "wide").code());
        assertEquals(2, cli.run("agents").code());
        TestCli.Result r = cli.run("agents", "versions", "--feature", "nothing-here");
        assertEquals(0, r.code());
        assertTrue(r.err().contains("No agent reports the feature 'nothing-here'"), r.err());
    }

    @Test
    void upgradeSendsTheRequestPrintsARowPerServerAndExitsOneUnlessEveryAgentRunsTheVersion() throws Exception {
        AgentUpgrade.Result partly = new AgentUpgrade.Result("ping", "io.labctl.agent.ping", "0.2.0", List.of(
                new AgentUpgrade.ServerResult("web-1", AgentUpgrade.UPGRADED, "0.1.0", "0.2.0", 812, "upgraded from 0.1.0 to 0.2.0"),
                new AgentUpgrade.ServerResult("web-2", AgentUpgrade.ROLLED_BACK, "0.1.0", "0.2.0", 30112,
                        "version 0.2.0 is not healthy (not active); removed again, 0.1.0 runs on"),
                new AgentUpgrade.ServerResult("web-3", AgentUpgrade.NOT_RUN, null, "0.2.0", 0,
                        "not run: 1 server(s) failed and --max-failures is 0")), 1, 0, 1, 1, 0);
        labd.on("POST", "/api/v1/agents/upgrade", 200, partly);
        TestCli.Result r = cli.run("agents", "upgrade", "--feature", "ping", "--to", "0.2.0", "-l", "role=web", "--batch",
                "1");
        assertEquals(1, r.code(), r.toString());
        List<String> lines = r.out().lines().map(String::stripTrailing).toList();
        assertEquals("SERVER   RESULT        FROM     TO      TIME      MESSAGE", lines.get(0));
        assertTrue(lines.get(1).matches("web-1 +upgraded +0\\.1\\.0 +0\\.2\\.0 +812ms +upgraded from 0\\.1\\.0 to 0\\.2\\.0"), lines.get(1));
        assertTrue(lines.get(3).matches("web-3 +not-run +<none> +0\\.2\\.0 +<none> +not run: .*"), lines.get(3));
        assertEquals("io.labctl.agent.ping 0.2.0: 1 upgraded, 0 unchanged, 1 failed, 1 not run, 0 offline", lines.get(4));
        AgentUpgrade.Request sent = Json.json().readValue(labd.requests.get(labd.requests.size() - 1).body(),
                AgentUpgrade.Request.class);
        assertEquals(new AgentUpgrade.Request("ping", "0.2.0", "role=web", "1", null, null), sent);

        labd.on("POST", "/api/v1/agents/upgrade", 200, new AgentUpgrade.Result("ping", "io.labctl.agent.ping", "0.2.0",
                List.of(new AgentUpgrade.ServerResult("web-1", AgentUpgrade.UNCHANGED, "0.2.0", "0.2.0", 3, "already runs 0.2.0")),
                0, 1, 0, 0, 0));
        r = cli.run("agents", "upgrade", "--feature", "ping", "--to", "0.2.0", "-l", "name=web-1", "-o", "json");
        assertEquals(0, r.code(), r.toString());
        assertEquals(1, Json.json().readValue(r.out(), AgentUpgrade.Result.class).unchanged());
    }

    @Test
    void upgradeShowsProgressOnStderrAsItComesAndTheAnswerOnStdout() throws Exception {
        AgentUpgrade.ServerResult one = new AgentUpgrade.ServerResult("web-1", AgentUpgrade.UPGRADED, "0.1.0", "0.2.0",
                812, "upgraded from 0.1.0 to 0.2.0");
        AgentUpgrade.ServerResult two = new AgentUpgrade.ServerResult("web-2", AgentUpgrade.ROLLED_BACK, "0.1.0",
                "0.2.0", 30112, "version 0.2.0 is not healthy (not active); removed again, 0.1.0 runs on");
        AgentUpgrade.Result answer = new AgentUpgrade.Result("ping", "io.labctl.agent.ping", "0.2.0", List.of(one, two),
                1, 0, 1, 0, 0);
        labd.onLines("POST", "/api/v1/agents/upgrade",
                Progress.step("resolved", "lab-agent-ping (io.labctl.agent.ping) to 0.2.0 on 2 server(s)"),
                Progress.batch(1, 2, "web-1"), Progress.start("web-1", "upgrading io.labctl.agent.ping to 0.2.0"),
                Progress.keepAlive(), Progress.result("web-1", one, 1, 2),
                "{\"type\":\"something-newer\",\"message\":\"ignored\"}",
                Progress.batch(2, 2, "web-2"), Progress.start("web-2", null), Progress.result("web-2", two, 2, 2),
                Progress.fin(answer));
        TestCli.Result r = cli.run("agents", "upgrade", "--feature", "ping", "--to", "0.2.0", "-l", "role=web",
                "--batch", "1");
        assertEquals(1, r.code(), r.toString());
        assertTrue(labd.accepts.get(labd.accepts.size() - 1).contains("application/x-ndjson"), labd.accepts.toString());
        assertEquals(List.of(
                "resolved: lab-agent-ping (io.labctl.agent.ping) to 0.2.0 on 2 server(s)",
                "batch 1/2: web-1",
                "web-1: started, upgrading io.labctl.agent.ping to 0.2.0",
                "[1/2] web-1 upgraded 0.1.0 -> 0.2.0 (812ms)",
                "batch 2/2: web-2",
                "web-2: started",
                "[2/2] web-2 rolled-back 0.1.0 -> 0.2.0 (30112ms): version 0.2.0 is not healthy (not active); removed"
                        + " again, 0.1.0 runs on"), r.err().lines().toList());
        List<String> lines = r.out().lines().map(String::stripTrailing).toList();
        assertTrue(lines.get(0).startsWith("SERVER "), r.out());
        assertEquals("io.labctl.agent.ping 0.2.0: 1 upgraded, 0 unchanged, 1 failed, 0 not run, 0 offline", lines.get(3));

        r = cli.run("agents", "upgrade", "--feature", "ping", "--to", "0.2.0", "-l", "role=web", "-o", "json");
        assertEquals(answer, Json.json().readValue(r.out(), AgentUpgrade.Result.class), "stdout: the answer alone");
        assertEquals(7, r.err().lines().count());
    }

    @Test
    void aRefusalAfterTheFirstEventExitsAsTheHttpErrorWouldAndAnAnswerCutShortIsExit255() {
        labd.onLines("POST", "/api/v1/agents/upgrade", Progress.step("resolved", "lab-agent-ping to 0.2.0"),
                Progress.error(503, "server-offline", "web-1 is not connected to this labd"));
        TestCli.Result r = cli.run("agents", "upgrade", "--feature", "ping", "--to", "0.2.0", "-l", "role=web");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("web-1 is not connected to this labd"), r.err());
        assertEquals("", r.out());

        labd.onLines("POST", "/api/v1/agents/upgrade", Progress.step("resolved", "lab-agent-ping to 0.2.0"),
                Progress.batch(1, 1, "web-1"));
        r = cli.run("agents", "upgrade", "--feature", "ping", "--to", "0.2.0", "-l", "role=web");
        assertEquals(255, r.code(), r.toString());
        assertTrue(r.err().contains("before the result") && r.err().contains("audit"), r.err());
    }

    @Test
    void upgradeNeedsFeatureVersionAndSelector() {
        assertEquals(2, cli.run("agents", "upgrade", "--feature", "ping", "--to", "0.2.0").code());
        assertEquals(2, cli.run("agents", "upgrade", "--to", "0.2.0", "-l", "env=lab").code());
        assertEquals(2, cli.run("agents", "upgrade", "--feature", "ping", "--to", "0.2.0", "-l", "env=lab,,x").code());
        assertEquals(2, cli.run("agents", "upgrade", "--feature", "ping", "--to", "0.2.0", "-l", "env=lab",
                "--max-failures", "-1").code());
    }
}
