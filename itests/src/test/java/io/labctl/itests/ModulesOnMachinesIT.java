package io.labctl.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.labctl.itests.support.Cli;
import io.labctl.itests.support.Labd;
import io.labctl.itests.support.Processes;
import io.labctl.module.testkit.Machine;
import io.labctl.protocol.Json;
import io.labctl.protocol.ServerInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configuration modules end to end, the way an operator runs them: labd on its embedded PostgreSQL, lab-agent as a
 * systemd service inside real Debian machines (systemd as PID 1, apt, users, units), the real labctl CLI. The
 * example-site module (modules/examples/site) is pushed to labd's repository and applied by label; what it did is
 * checked inside the machines, not in labd's reports. Needs root, mmdebstrap and systemd-nspawn: skipped, with the
 * reason, without them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModulesOnMachinesIT {
    static final String MODULE = "example-site";
    static final String PAGE = "/srv/example-site/index.html";
    static final String SECRET = "site-key-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(8));

    @TempDir
    static Path dir;
    static Labd labd;
    static Cli cli;
    static Path secretValues;
    static final List<Machine> machines = new ArrayList<>();
    static Machine web1;
    static Machine db1;

    @BeforeAll
    static void start() throws Exception {
        Machine.assumeAvailable();
        labd = Labd.install(dir.resolve("labd"), "");
        // labd's schedule shortened from 30 s scans and 30-minute checks, so that convergence and enforcement show here
        Files.writeString(labd.home.resolve("etc/io.labctl.modules.cfg"), "scanSeconds = 5\ncheckMinutes = 1\n");
        labd.start();
        Files.createDirectories(dir.resolve("cli"));
        cli = new Cli(dir.resolve("cli/config.yaml"));
        cli.ok("config", "import", labd.adminBundle().toString(), "--context", "modules");
        cli.ok("repo", "push", System.getProperty("module.site.jar"));
        // the secret goes in a values file: never on a command line
        secretValues = dir.resolve("cli/secret-values.yaml");
        Files.writeString(secretValues, "apiKey: " + SECRET + "\n");
        web1 = agentMachine("web-1", "tier=web");
        db1 = agentMachine("db-1", "tier=db");
    }

    @AfterAll
    static void stop() throws Exception {
        for (Machine m : machines) {
            m.close();
        }
        if (labd != null) {
            labd.close();
        }
    }

    /** A machine running lab-agent as a systemd service, enrolled with a token that stamps the label; online. */
    static Machine agentMachine(String name, String label) throws Exception {
        cli.environments("lab:baremetal");
        String token = cli.ok("create", "token", "--env", "lab", "--label", label, "--ttl", "1h").strip();
        Path home = dir.resolve("agents/" + name);
        Files.createDirectories(home);
        Processes.untar(Path.of(System.getProperty("agent.dist")), home);
        Files.writeString(home.resolve("etc/io.labctl.agent.cfg"),
                "serverUrl = " + labd.url() + "\nname = " + name + "\ntoken = " + token + "\n");
        Machine m = Machine.create(name).hostJdk().bind(home, "/opt/lab-agent").start();
        machines.add(m);
        m.ok("systemd-run", "--unit=lab-agent", "--setenv=JAVA_HOME=" + Machine.javaHome(), "/opt/lab-agent/bin/lab-agent");
        Processes.await(name + " online (agent log: " + home.resolve("data/log/karaf.log") + ")", Duration.ofSeconds(120),
                () -> cli.servers().stream().anyMatch(s -> s.name().equals(name) && ServerInfo.ONLINE.equals(s.status())));
        return m;
    }

    /** apply/rollback/remove with -o json: labd's NDJSON events, one per line. */
    static List<JsonNode> events(String stdout) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            if (!line.isBlank()) {
                out.add(Json.json().readTree(line));
            }
        }
        return out;
    }

    static Optional<JsonNode> report(List<JsonNode> events, String server) {
        return events.stream().filter(e -> "result".equals(e.path("type").asText()) && server.equals(e.path("server").asText()))
                .map(e -> e.path("report")).findFirst();
    }

    static String page(Machine m) throws Exception {
        Path page = m.root().resolve(PAGE.substring(1));
        return Files.exists(page) ? Files.readString(page) : null;
    }

    static Processes.Result apply(String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("modules", "apply", MODULE, "-l", "tier=web", "-f", secretValues.toString(), "-o", "json"));
        args.addAll(List.of(more));
        return cli.run(args.toArray(String[]::new));
    }

    @Test
    @Order(1)
    void applyByLabelConvergesTheMatchingMachineForRealAndLeavesTheOtherAlone() throws Exception {
        Processes.Result r = apply("--set", "greeting=hello");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode report = report(events(r.stdout()), "web-1").orElseThrow(() -> new AssertionError(r.stdout()));
        assertEquals(0, report.path("failed").asInt(), report.toString());
        assertTrue(report.path("changed").asInt() >= 9, report.toString());
        assertTrue(report(events(r.stdout()), "db-1").isEmpty(), "db-1 does not match tier=web: " + r.stdout());

        // what the machine now is, asked of the machine itself
        assertEquals("hello from web-1\n", page(web1));
        assertEquals("active", web1.run("systemctl", "is-active", "example-site.service").stdout().strip());
        assertEquals("enabled", web1.run("systemctl", "is-enabled", "example-site.service").stdout().strip());
        assertEquals(0, web1.run("dpkg-query", "-W", "hello").exitCode(), "the package was installed with apt");
        assertTrue(web1.ok("getent", "passwd", "site").contains("/srv/example-site"));
        assertEquals("600 site site", web1.ok("stat", "-c", "%a %U %G", "/etc/example-site/api.key").strip());
        assertEquals(SECRET, web1.ok("cat", "/etc/example-site/api.key").strip());
        assertTrue(web1.ok("cat", "/etc/example-site/site.conf").contains("port=8080"));
        assertNull(page(db1), "nothing written on db-1");
    }

    @Test
    @Order(2)
    void applyingAgainChangesNothingAndSaysSo() throws Exception {
        String invocation = web1.ok("systemctl", "show", "-p", "InvocationID", "--value", "example-site.service").strip();
        Processes.Result r = apply("--set", "greeting=hello");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode report = report(events(r.stdout()), "web-1").orElseThrow();
        assertEquals(0, report.path("changed").asInt(), report.toString());
        assertEquals(report.path("resources").size(), report.path("unchanged").asInt(), report.toString());
        assertEquals(invocation, web1.ok("systemctl", "show", "-p", "InvocationID", "--value", "example-site.service").strip(),
                "nothing changed, so the service was not restarted");
        // and in words, for people
        Processes.Result text = cli.run("modules", "apply", MODULE, "-l", "tier=web", "-f", secretValues.toString(), "--set", "greeting=hello");
        assertEquals(0, text.exitCode(), text.toString());
        assertTrue(text.stdout().contains("0 changed") || text.stdout().contains("unchanged"), text.stdout());
    }

    @Test
    @Order(3)
    void aFileEditedByHandIsDriftAndApplyRepairsIt() throws Exception {
        Files.writeString(web1.root().resolve(PAGE.substring(1)), "defaced\n");
        String status = cli.ok("modules", "status", MODULE, "--refresh", "-o", "json");
        JsonNode web = server(Json.json().readTree(status), "web-1");
        assertEquals("drifted", web.path("state").asText(), status);
        assertEquals("defaced\n", page(web1), "a check changes nothing");
        String invocation = web1.ok("systemctl", "show", "-p", "InvocationID", "--value", "example-site.service").strip();

        Processes.Result r = apply("--set", "greeting=hello");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode report = report(events(r.stdout()), "web-1").orElseThrow();
        assertEquals("hello from web-1\n", page(web1));
        assertTrue(report.toString().contains("defaced"), "the diff shows what was repaired: " + report);
        assertNotEquals(invocation, web1.ok("systemctl", "show", "-p", "InvocationID", "--value", "example-site.service").strip(),
                "the service watches the page, so it was restarted");
        assertEquals("converged", server(Json.json().readTree(cli.ok("modules", "status", MODULE, "-o", "json")), "web-1")
                .path("state").asText());
    }

    @Test
    @Order(4)
    void enforceRepairsDriftAtTheNextCheck() throws Exception {
        assertEquals(0, apply("--set", "greeting=hello", "--enforce").exitCode());
        Files.writeString(web1.root().resolve(PAGE.substring(1)), "defaced again\n");
        // a check finds the drift (status --refresh only re-plans, as any reader may run it); labd's next scheduled
        // check repairs it because the assignment enforces
        Processes.await("enforce to repair the page at labd's next check", Duration.ofSeconds(150), () -> {
            try {
                return "hello from web-1\n".equals(page(web1));
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    @Order(5)
    void rollbackToRevisionOneRestoresTheOldContent() throws Exception {
        assertEquals(0, apply("--set", "greeting=goodbye").exitCode());
        assertEquals("goodbye from web-1\n", page(web1));
        JsonNode history = Json.json().readTree(cli.ok("modules", "history", MODULE, "-o", "json"));
        assertTrue(history.size() >= 4, history.toString());
        Processes.Result r = cli.run("modules", "rollback", MODULE, "1", "-o", "json");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("hello from web-1\n", page(web1));
        JsonNode after = Json.json().readTree(cli.ok("modules", "history", MODULE, "-o", "json"));
        assertEquals(history.size() + 1, after.size(), "a rollback is a new revision: " + after);
    }

    @Test
    @Order(6)
    void aNewAgentMatchingTheSelectorConvergesOnItsOwn() throws Exception {
        Machine web2 = agentMachine("web-2", "tier=web");
        Processes.await("web-2 to converge by itself", Duration.ofSeconds(120), () -> {
            try {
                return "hello from web-2\n".equals(page(web2));
            } catch (Exception e) {
                return false;
            }
        });
        assertEquals(SECRET, web2.ok("cat", "/etc/example-site/api.key").strip(), "the secret reached the new server");
        Processes.await("web-2 converged in modules status", Duration.ofSeconds(30), () -> {
            try {
                return "converged".equals(server(Json.json().readTree(cli.ok("modules", "status", MODULE, "-o", "json")), "web-2")
                        .path("state").asText());
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    @Order(7)
    void aResourceFailingMidRunStopsThatServerAndTheOthersGoOnWithinMaxFailures() throws Exception {
        Processes.Result r = apply("--set", "package=labctl-no-such-package", "--max-failures", "2");
        assertEquals(1, r.exitCode(), r.toString());
        List<JsonNode> events = events(r.stdout());
        for (String server : List.of("web-1", "web-2")) {
            JsonNode report = report(events, server).orElseThrow(() -> new AssertionError(server + " did not run: " + r.stdout()));
            JsonNode pkg = resource(report, "package:labctl-no-such-package");
            assertEquals("failed", pkg.path("status").asText(), report.toString());
            assertFalse(pkg.path("reason").asText().isBlank(), report.toString());
            assertEquals("skipped", resource(report, "service:example-site.service").path("status").asText(),
                    "what depends on the failed package is not applied: " + report);
        }
        assertEquals(0, apply("--set", "greeting=hello").exitCode(), "a good revision repairs both");
    }

    @Test
    @Order(8)
    void badInputIsRefusedWithEveryBadFieldNamedAndNothingApplied() throws Exception {
        int revisions = Json.json().readTree(cli.ok("modules", "history", MODULE, "-o", "json")).size();

        Processes.Result unknown = cli.run("modules", "apply", "no-such-module", "-l", "tier=web");
        assertNotEquals(0, unknown.exitCode());
        assertTrue(unknown.stderr().contains("no-such-module"), unknown.stderr());

        Processes.Result version = cli.run("modules", "apply", MODULE + "@9.9.9", "-l", "tier=web", "-f", secretValues.toString());
        assertNotEquals(0, version.exitCode());
        assertTrue(version.stderr().contains("9.9.9") && version.stderr().contains("1.0.0"),
                "names the missing version and the ones there are: " + version.stderr());

        Processes.Result inputs = cli.run("modules", "apply", MODULE, "-l", "tier=web", "--set", "port=eighty", "--set", "colour=red");
        assertNotEquals(0, inputs.exitCode());
        for (String field : List.of("port", "colour", "apiKey")) {
            assertTrue(inputs.stderr().contains(field), field + " named in: " + inputs.stderr());
        }

        Processes.Result nothing = cli.run("modules", "apply", MODULE, "-l", "tier=nothing", "-f", secretValues.toString());
        assertNotEquals(0, nothing.exitCode());
        assertTrue(nothing.stderr().contains("tier=nothing"), nothing.stderr());

        assertEquals(revisions, Json.json().readTree(cli.ok("modules", "history", MODULE, "-o", "json")).size(),
                "no refused apply made a revision");
        assertEquals("hello from web-1\n", page(web1));
    }

    @Test
    @Order(9)
    void theSecretIsNeverInClearInTheDatabaseTheAuditLogRunReportsOrLogs() throws Exception {
        // every row of every table, as text
        try (Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + labd.dbPort + "/postgres",
                "postgres", ""); Statement st = db.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT schemaname || '.' || tablename FROM pg_tables"
                    + " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            assertTrue(tables.stream().anyMatch(t -> t.contains("module")), "the modules capability's tables: " + tables);
            for (String table : tables) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table + " t WHERE t::text LIKE '%" + SECRET + "%'")) {
                    rs.next();
                    assertEquals(0, rs.getInt(1), "the secret in clear in " + table);
                }
            }
        }
        String audit = cli.ok("logs", "audit", "--since", "1h", "-o", "json");
        assertTrue(audit.contains(MODULE), "runs are audited");
        assertFalse(audit.contains(SECRET), "the secret in the audit log");
        JsonNode status = Json.json().readTree(cli.ok("modules", "status", MODULE, "-o", "json"));
        String runId = server(status, "web-1").path("lastRunId").asText();
        String run = cli.ok("logs", "module/" + runId);
        assertTrue(run.contains("api.key"), "the run's report lists the key file: " + run);
        assertFalse(run.contains(SECRET), "the secret in a run report");
        assertFalse(Files.readString(labd.log()).contains(SECRET), "the secret in labd's log");
        for (Machine m : machines) {
            Path agentLog = dir.resolve("agents/" + m.name() + "/data/log/karaf.log");
            assertFalse(Files.readString(agentLog).contains(SECRET), "the secret in " + m.name() + "'s agent log");
        }
    }

    @Test
    @Order(10)
    void removeRunsTheModulesRemovalAndKeepsTheData() throws Exception {
        Processes.Result r = cli.run("modules", "remove", MODULE, "-l", "name=web-1", "-o", "json");
        assertEquals(0, r.exitCode(), r.toString());
        assertNotEquals("active", web1.run("systemctl", "is-active", "example-site.service").stdout().strip());
        assertEquals("hello from web-1\n", page(web1), "a removal keeps the site's data");
        assertEquals("active", machines.get(2).run("systemctl", "is-active", "example-site.service").stdout().strip(),
                "web-2 is not touched by a removal from web-1");
    }

    @Test
    @Order(11)
    void aModuleWhoseStoredBytesWereAlteredIsRefusedByTheAgentAndNothingIsInstalled() throws Exception {
        // someone with the database's credentials changes one byte of the stored jar: labd still names the digest
        // it recorded at the push, and the agent that fetches it for its first run compares
        String firstChunk = " FROM repo_chunks WHERE seq = 0 AND entry_id = (SELECT id FROM repo_entries WHERE name = '"
                + MODULE + "')";
        int original = Integer.parseInt(sql("SELECT get_byte(data, 200)" + firstChunk));
        String setByte = "UPDATE repo_chunks SET data = set_byte(data, 200, %d) WHERE seq = 0 AND entry_id = (SELECT id"
                + " FROM repo_entries WHERE name = '" + MODULE + "')";
        sql(String.format(setByte, (original + 1) % 256));
        try {
            Processes.Result r = cli.run("modules", "apply", MODULE, "-l", "name=db-1", "-f", secretValues.toString(),
                    "-o", "json");
            assertNotEquals(0, r.exitCode(), r.toString());
            String db1Events = events(r.stdout()).stream().filter(e -> "db-1".equals(e.path("server").asText()))
                    .map(JsonNode::toString).reduce("", String::concat);
            assertTrue(db1Events.contains("digest-mismatch") && db1Events.contains("nothing was installed"), r.stdout());
            assertNull(page(db1), "nothing of the module was applied on db-1");
            String agentLog = Files.readString(dir.resolve("agents/db-1/data/log/karaf.log"));
            assertFalse(agentLog.contains("installed module " + MODULE), "the altered bundle was never installed");
        } finally {
            sql(String.format(setByte, original));
        }
    }

    /** One statement on labd's database; the first column of the first row when it answers rows. */
    static String sql(String statement) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + labd.dbPort + "/postgres",
                "postgres", ""); Statement st = db.createStatement()) {
            if (!st.execute(statement)) {
                return null;
            }
            try (ResultSet rs = st.getResultSet()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    static JsonNode server(JsonNode statusList, String server) {
        for (JsonNode s : statusList) {
            if (server.equals(s.path("server").asText())) {
                return s;
            }
        }
        throw new AssertionError(server + " not in " + statusList);
    }

    static JsonNode resource(JsonNode report, String id) {
        for (JsonNode r : report.path("resources")) {
            if (id.equals(r.path("id").asText())) {
                return r;
            }
        }
        throw new AssertionError(id + " not in " + report);
    }

    static void assertNull(Object o, String message) {
        org.junit.jupiter.api.Assertions.assertNull(o, message);
    }
}
