package io.labctl.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.labctl.itests.support.Agent;
import io.labctl.itests.support.Cli;
import io.labctl.itests.support.Labd;
import io.labctl.itests.support.Processes;
import io.labctl.protocol.AgentCapability;
import io.labctl.protocol.Json;
import io.labctl.protocol.Pem;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.TokenInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The foundation end to end with real processes: labd on its embedded PostgreSQL, two agents in their own JVMs,
 * and the real labctl CLI. Enrolment, certificates, heartbeats, offline detection and coming back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetSmokeIT {
    @TempDir
    static Path dir;
    static Labd labd;
    static Cli cli;
    static Agent web1;
    static Agent web2;

    @BeforeAll
    static void startLabd() throws Exception {
        // an offline window of a little over two heartbeats (agents beat every 5 s), shorter than the default 15 s
        labd = Labd.install(dir.resolve("labd"), "offlineAfterSeconds = 11\nlastSeenFlushSeconds = 2\n").start();
        cli = new Cli(dir.resolve("cli/config.yaml"));
        Files.createDirectories(dir.resolve("cli"));
        cli.ok("config", "import", labd.adminBundle().toString(), "--context", "smoke");
    }

    @AfterAll
    static void stopAll() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {web1, web2, labd}) {
            if (c != null) {
                c.close();
            }
        }
    }

    static List<ServerInfo> servers(String... args) throws Exception {
        String[] all = new String[args.length + 4];
        all[0] = "get";
        all[1] = "servers";
        System.arraycopy(args, 0, all, 2, args.length);
        all[all.length - 2] = "-o";
        all[all.length - 1] = "json";
        return Json.json().readValue(cli.ok(all), new TypeReference<List<ServerInfo>>() {});
    }

    static ServerInfo server(String name) throws Exception {
        return servers().stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }

    static String status(String name) {
        try {
            ServerInfo s = server(name);
            return s == null ? "absent" : s.status();
        } catch (Exception e) {
            return "error: " + e.getMessage();
        }
    }

    @Test
    @Order(1)
    void freshLabdHasNoServersAndAnswersTheCli() throws Exception {
        assertEquals(List.of(), servers());
        Processes.Result table = cli.run("get", "servers");
        assertEquals(0, table.exitCode(), table.toString());
    }

    @Test
    @Order(2)
    void twoAgentsEnrolWithOneTimeTokensAndComeOnline() throws Exception {
        cli.environments("lab:baremetal", "prod:baremetal");
        String t1 = cli.ok("create", "token", "--env", "lab", "--cloud", "baremetal", "--role", "worker", "--label", "rack=r1", "--ttl", "10m").strip();
        String t2 = cli.ok("create", "token", "--env", "prod", "--cloud", "baremetal", "--role", "infra").strip();
        assertTrue(t1.startsWith("lab1."), t1);
        web1 = Agent.install(dir.resolve("web1"), "web1", labd.url(), t1).start();
        web2 = Agent.install(dir.resolve("web2"), "web2", labd.url(), t2).start();
        Processes.await("web1 and web2 online (agent logs: " + web1.log() + ", " + web2.log() + ")", Duration.ofSeconds(90),
                () -> ServerInfo.ONLINE.equals(status("web1")) && ServerInfo.ONLINE.equals(status("web2")));

        ServerInfo s1 = server("web1");
        assertEquals("lab", s1.environment());
        assertEquals("baremetal", s1.cloud());
        assertEquals("worker", s1.role());
        assertEquals(Map.of("rack", "r1"), s1.labels());
        assertNotNull(s1.facts(), "the HELLO frame's host facts are stored");
        assertTrue(s1.facts().cpus() > 0);
        assertTrue(s1.facts().memoryBytes() > 0);
        assertEquals(System.getProperty("os.arch"), s1.facts().arch());

        // one selector grammar: -l and the shortcuts select the same servers
        assertEquals(List.of("web1"), servers("-l", "env=lab").stream().map(ServerInfo::name).toList());
        assertEquals(List.of("web1"), servers("--label", "rack=r1").stream().map(ServerInfo::name).toList());
        assertEquals(List.of("web2"), servers("-l", "role=infra,cloud=baremetal").stream().map(ServerInfo::name).toList());
        assertEquals(List.of("web1", "web2"), servers("--cloud", "baremetal").stream().map(ServerInfo::name).sorted().toList());

        // selectors see the facts the agents report: both run on this host, so both have its os-release ID
        String osId = Files.readAllLines(Path.of("/etc/os-release")).stream().filter(l -> l.startsWith("ID="))
                .map(l -> l.substring(3).replace("\"", "").strip()).findFirst().orElseThrow();
        assertEquals(osId, s1.facts().osId());
        assertEquals(List.of("web1", "web2"), servers("-l", "os=" + osId).stream().map(ServerInfo::name).sorted().toList());
        assertEquals(List.of("web1"), servers("-l", "os=" + osId + ",env=lab,cpus>=1,memory<100000").stream().map(ServerInfo::name).toList());
        assertEquals(List.of(), servers("-l", "os=not-" + osId));
        Processes.Result badNumber = cli.run("get", "servers", "-l", "memory>=8G");
        assertEquals(2, badNumber.exitCode(), badNumber.toString());

        List<TokenInfo> tokens = Json.json().readValue(cli.ok("get", "tokens", "-o", "json"), new TypeReference<List<TokenInfo>>() {});
        assertEquals(2, tokens.stream().filter(t -> "used".equals(t.state())).count(), tokens.toString());
    }

    @Test
    @Order(3)
    void agentCertificateChainsToOurCaNamesItsServerAndKeyStaysOnTheMachine() throws Exception {
        X509Certificate ca = Pem.certificate(labd.admin().caCertificate());
        X509Certificate cert = Pem.certificate(Files.readString(web1.identity().resolve("agent.crt")));
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(cert)), params);
        assertEquals("CN=web1,OU=agent,O=labctl", cert.getSubjectX500Principal().getName());
        assertTrue(cert.getNotAfter().toInstant().isAfter(java.time.Instant.now().plus(Duration.ofDays(80))), "90-day agent certificates");
        assertEquals(cert.getSerialNumber().toString(16), server("web1").certificateSerial());
        assertEquals(Set.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(web1.identity().resolve("agent.key")));
        // the same check with the real openssl, where it is installed
        if (Files.isExecutable(Path.of("/usr/bin/openssl"))) {
            Path caFile = dir.resolve("ca.pem");
            Files.writeString(caFile, labd.admin().caCertificate());
            Processes.Result r = Processes.run(dir, List.of("openssl", "verify", "-CAfile", caFile.toString(),
                    web1.identity().resolve("agent.crt").toString()), Duration.ofSeconds(20));
            assertEquals(0, r.exitCode(), r.toString());
        }
    }

    @Test
    @Order(4)
    void describeShowsFactsFromHeartbeats() throws Exception {
        String out = cli.ok("describe", "server/web1");
        assertTrue(out.contains("web1"), out);
        assertTrue(out.contains(server("web1").facts().kernel()), out);
        assertTrue(out.contains("  OS ID:  ") || out.contains("  OS ID: "), "the os-release ID selectors see: " + out);
        // the modules parts of describe and get -o wide: web1 has no modules; a labd without the modules capability
        // says so ('-'), never fails the command
        assertTrue(out.matches("(?s).*\nModules:\n  <(none|modules capability not installed in labd)>\n"), out);
        String wide = cli.ok("get", "servers", "-o", "wide");
        assertTrue(wide.lines().anyMatch(l -> l.startsWith("web1 ") && l.matches(".* (-|<none>) +rack=r1")), wide);
    }

    @Test
    @Order(4)
    void eachAgentReportsItsCapabilitiesWithTheirVersions() throws Exception {
        ServerInfo web1 = server("web1");
        String version = web1.facts().agentVersion();
        List<AgentCapability> caps = web1.facts().capabilities();
        assertNotNull(caps, "labd keeps the agent's capability report");
        for (String[] expected : new String[][] {{"lab-agent-core", "io.labctl.agent.core"},
                {"lab-agent-logs", "io.labctl.agent.logs"}, {"lab-agent-exec", "io.labctl.agent.exec"},
                {"lab-agent-ping", "io.labctl.agent.ping"}, {"lab-agent-modules", "io.labctl.agent.modules"}}) {
            assertTrue(caps.contains(new AgentCapability(expected[0], expected[1], version, "active")),
                    expected[1] + " active at " + version + " under " + expected[0] + ": " + caps);
        }
        String wide = cli.ok("get", "agents", "-o", "wide");
        assertTrue(wide.lines().anyMatch(l -> l.startsWith("web1 ") && l.contains(" core,exec,logs,modules,ping ")), wide);
        String describe = cli.ok("describe", "server/web1");
        assertTrue(describe.matches("(?s).*\nCapabilities:\n.*  lab-agent-logs +io\\.labctl\\.agent\\.logs +"
                + version.replace(".", "\\.") + " +active\n.*"), describe);
        List<String> table = cli.ok("agents", "versions", "--feature", "logs").lines().map(String::strip).toList();
        assertEquals(2, table.size(), table.toString());
        assertTrue(table.get(1).matches("lab-agent-logs +io\\.labctl\\.agent\\.logs +" + version.replace(".", "\\.")
                + " +2 +web1,web2"), table.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> json = Json.json().readValue(cli.ok("agents", "versions", "-o", "json"), Map.class);
        assertEquals(List.of(), json.get("unreported"));
        assertTrue(((List<?>) json.get("versions")).size() >= 5, json.toString());
    }

    @Test
    @Order(5)
    void pingMakesARoundTripThroughTheAgentsConnection() throws Exception {
        String out = cli.ok("ping", "server/web1", "server/web2");
        assertTrue(out.contains("server/web1: pong in") && out.contains("server/web2: pong in"), out);
        Processes.Result missing = cli.run("ping", "server/nope");
        assertEquals(1, missing.exitCode(), missing.toString());
        assertTrue(missing.stderr().contains("no server named nope"), missing.toString());
    }

    @Test
    @Order(6)
    void killedAgentGoesOfflineAndComesBackWithTheSameIdentity() throws Exception {
        String serialBefore = server("web1").certificateSerial();
        web1.kill();
        Processes.await("web1 offline after SIGKILL", Duration.ofSeconds(30), () -> ServerInfo.OFFLINE.equals(status("web1")));
        assertEquals(ServerInfo.ONLINE, status("web2"), "the other agent is unaffected");
        web1.start();
        Processes.await("web1 back online (log " + web1.log() + ")", Duration.ofSeconds(60), () -> ServerInfo.ONLINE.equals(status("web1")));
        assertEquals(serialBefore, server("web1").certificateSerial(), "same certificate, no re-enrolment");
        Processes.Result offline = cli.run("ping", "server/web1");
        assertEquals(0, offline.exitCode(), "pings again once back: " + offline);
    }
}
