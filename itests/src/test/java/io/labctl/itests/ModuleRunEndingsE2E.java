package io.labctl.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.labctl.itests.modules.SlowModule;
import io.labctl.itests.support.Agent;
import io.labctl.itests.support.Cli;
import io.labctl.itests.support.Labd;
import io.labctl.itests.support.Processes;
import io.labctl.protocol.Json;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.modules.ServerModuleStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a module run ends when something else ends first, through the real labd, real agents (each with its own root
 * folder) and the real CLI: the applying user deleted mid-rollout, the server deleted mid-run, the agent killed
 * mid-run, labd killed mid-run. The module "slow" waits before it writes its file, so that a run is open long enough.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModuleRunEndingsE2E {
    /** The apply goes on for the run already on an agent, then ends; 5x of a run plus labd's answer. */
    static final Duration STREAM_END = Duration.ofSeconds(90);

    @TempDir
    static Path dir;
    static Labd labd;
    static Cli admin;
    static final Map<String, Agent> agents = new TreeMap<>();

    @BeforeAll
    static void start() throws Exception {
        labd = Labd.install(dir.resolve("labd"), null);
        // labd's convergence rounds every 2 s, so that a test sees the round after an event without waiting 30 s
        Files.writeString(labd.home.resolve("etc/io.labctl.modules.cfg"), "scanSeconds = 2\n");
        labd.start();
        Files.createDirectories(dir.resolve("cli-admin"));
        admin = new Cli(dir.resolve("cli-admin/config.yaml"));
        admin.ok("config", "import", labd.adminBundle().toString());
        admin.ok("repo", "push", SlowModule.jar(Files.createDirectories(dir.resolve("jars"))).toString());
        for (String[] a : new String[][] {{"u1", "users"}, {"u2", "users"}, {"gone", "deleted"}, {"crash", "crash"}}) {
            agents.put(a[0], agent(a[0], a[1]));
        }
        for (Agent a : agents.values()) {
            a.awaitOnline(admin, Duration.ofSeconds(120));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (Agent a : agents.values()) {
            a.close();
        }
        if (labd != null) {
            labd.close();
        }
    }

    /** A host agent whose module paths resolve under its own root folder. */
    static Agent agent(String name, String group) throws Exception {
        String token = admin.ok("create", "token", "--server", name, "--label", "group=" + group, "--ttl", "1h").strip();
        Agent a = Agent.install(dir.resolve("agent-" + name), name, labd.url(), token);
        Files.createDirectories(root(name));
        Files.writeString(a.home.resolve("etc/io.labctl.agent.modules.cfg"), "root = " + root(name) + "\n");
        return a.start();
    }

    static Path root(String agent) {
        return dir.resolve("roots/" + agent);
    }

    /**
     * The user is deleted while the first server of a one-at-a-time rollout runs: that run finishes, no other server
     * starts, and the CLI's stream ends naming the reason with a non-zero exit; the refusal is audited.
     */
    @Test
    @Order(1)
    void aRolloutStopsWhenTheApplyingUserIsDeleted() throws Exception {
        admin.ok("create", "role", "deployer", "--allow", "apply:*:*:*", "--allow", "read:*:*:*");
        Path bundle = dir.resolve("olga.labctl.yaml");
        admin.ok("create", "user", "olga", "--out", bundle.toString());
        admin.ok("bind", "role", "deployer", "--user", "olga");
        Files.createDirectories(dir.resolve("cli-olga"));
        Cli olga = new Cli(dir.resolve("cli-olga/config.yaml"));
        olga.ok("config", "import", bundle.toString());

        Running apply = launch(olga, "olga", "modules", "apply", SlowModule.NAME, "-l", "group=users", "--batch", "1",
                "--set", "path=/srv/users.txt", "--set", "seconds=8");
        String first = awaitRunning("users");
        admin.ok("delete", "user/olga");

        Processes.Result r = apply.await(STREAM_END);
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("not run: access withdrawn during the rollout: user/olga may not apply"), r.stdout());
        assertTrue(r.stdout().contains("stopped: access withdrawn"), r.stdout());
        assertTrue(Files.exists(root(first).resolve("srv/users.txt")), "the run already on " + first + " finished");
        String other = first.equals("u1") ? "u2" : "u1";
        assertFalse(Files.exists(root(other).resolve("srv/users.txt")), other + " was started after the deletion");
        assertEquals(List.of(first + " ok"), sql("SELECT server || ' ' || status FROM module_runs"
                + " WHERE server IN ('u1', 'u2')"), "one run, on the first server, and it ended");
        List<AuditEntry> refusals = Json.json().readValue(admin.ok("logs", "audit", "--user", "olga", "--action",
                "module.apply", "-o", "json"), new TypeReference<List<AuditEntry>>() {});
        assertTrue(refusals.stream().anyMatch(e -> AuditEntry.DENIED.equals(e.result()) && e.error() != null
                && e.error().contains("access withdrawn")), refusals.toString());
    }

    /** labctl delete server during a run: the agent's connection is cut, the run ends failed and says why. */
    @Test
    @Order(2)
    void aServerDeletedDuringItsRunEndsTheRunFailed() throws Exception {
        Running apply = launch(admin, "deleted", "modules", "apply", SlowModule.NAME, "-l", "group=deleted",
                "--set", "path=/srv/deleted.txt", "--set", "seconds=20");
        awaitRunning("deleted");
        admin.ok("delete", "server/gone");

        Processes.Result r = apply.await(STREAM_END);
        assertEquals(1, r.exitCode(), r.toString());
        // the gateway cuts the connection on its revocation pass, which may come between the revocation and the
        // deletion of the server's record: the reason names whichever labd saw
        assertTrue(r.stdout().contains("the server was deleted during the run")
                || r.stdout().contains("the agent's certificate was revoked during the run"), r.stdout());
        assertEquals(List.of("failed"), sql("SELECT status FROM module_runs WHERE server = 'gone' AND ended IS NOT NULL"));
        assertEquals(List.of(), sql("SELECT id::text FROM module_runs WHERE status = 'running'"));
    }

    /** kill -9 of the agent during a run: the run ends failed; after its restart the next apply converges. */
    @Test
    @Order(3)
    void aKilledAgentEndsItsRunFailedAndTheNextApplyConverges() throws Exception {
        Running apply = launch(admin, "crash", "modules", "apply", SlowModule.NAME, "-l", "group=crash",
                "--set", "path=/srv/crash.txt", "--set", "seconds=20");
        awaitRunning("crash");
        Agent crash = agents.get("crash");
        crash.kill();

        Processes.Result r = apply.await(STREAM_END);
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("agent disconnected during the run"), r.stdout());
        ServerModuleStatus failed = status("crash");
        assertEquals(ServerModuleStatus.FAILED, failed.state());
        assertTrue(failed.detail().startsWith("agent disconnected during the run"), failed.detail());
        assertEquals(List.of("failed"), sql("SELECT status FROM module_runs WHERE server = 'crash'"));
        assertFalse(Files.exists(root("crash").resolve("srv/crash.txt")), "the killed run wrote nothing");

        crash.start();
        crash.awaitOnline(admin, Duration.ofSeconds(120));
        admin.ok("modules", "apply", SlowModule.NAME, "-l", "group=crash", "--set", "path=/srv/crash.txt",
                "--set", "seconds=1");
        assertEquals(ServerModuleStatus.CONVERGED, status("crash").state());
        assertTrue(Files.exists(root("crash").resolve("srv/crash.txt")));
    }

    /**
     * kill -9 of labd during a run: the agent finishes the run it has; at labd's next start the run is ended as
     * interrupted, the server's state says so, and labd's next check re-plans it (here: converged, as the agent
     * finished). The agent is the one restarted in the test before.
     */
    @Test
    @Order(4)
    void aKilledLabdEndsItsRunsAsInterruptedAtItsNextStart() throws Exception {
        Running apply = launch(admin, "labd", "modules", "apply", SlowModule.NAME, "-l", "group=crash",
                "--set", "path=/srv/labd.txt", "--set", "seconds=10");
        awaitRunning("crash");
        String runId = sql("SELECT id::text FROM module_runs WHERE server = 'crash' AND status = 'running'").get(0);
        labd.kill();
        Processes.Result r = apply.await(STREAM_END);
        assertEquals(255, r.exitCode(), "the stream was cut: " + r);
        Processes.await("the agent finishes the run it had", Duration.ofSeconds(60),
                () -> Files.exists(root("crash").resolve("srv/labd.txt")));

        labd.start();
        assertEquals(List.of("interrupted"), sql("SELECT status FROM module_runs WHERE id = '" + runId + "'"));
        ServerModuleStatus interrupted = status("crash");
        assertTrue(ServerModuleStatus.FAILED.equals(interrupted.state()) && interrupted.detail().startsWith(
                "interrupted: labd stopped during run " + runId) || ServerModuleStatus.CONVERGED.equals(interrupted.state()),
                "failed as interrupted until labd's first round re-plans it: " + interrupted);
        agents.get("crash").awaitOnline(admin, Duration.ofSeconds(120));
        Processes.await("labd's next check re-plans the interrupted server", Duration.ofSeconds(60),
                () -> ServerModuleStatus.CONVERGED.equals(status("crash").state()));
        assertEquals(runId, status("crash").lastRunId(), "the interrupted run stays the last run; a check is no run");
        List<AuditEntry> rows = Json.json().readValue(admin.ok("logs", "audit", "--action", "module.interrupted",
                "-o", "json"), new TypeReference<List<AuditEntry>>() {});
        assertEquals(1, rows.size(), rows.toString());
    }

    // ---- helpers

    /** A CLI process running in the background, its output in files. */
    record Running(Process process, Path stdout, Path stderr) {
        Processes.Result await(Duration bound) throws Exception {
            boolean ended = process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                process.destroyForcibly();
            }
            Processes.Result r = new Processes.Result(ended ? process.exitValue() : -1, Files.readString(stdout),
                    Files.readString(stderr));
            assertTrue(ended, "still running " + bound + " later: " + r);
            return r;
        }
    }

    static Running launch(Cli cli, String name, String... args) throws Exception {
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        Process p = new ProcessBuilder(cli.command(args)).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new Running(p, out, err);
    }

    /** Waits until a run of the group's servers is recorded as running; returns the server. */
    static String awaitRunning(String group) throws Exception {
        List<String> servers = new ArrayList<>();
        Processes.await("a run of slow on group " + group + " running", Duration.ofSeconds(60), () -> {
            try {
                servers.addAll(sql("SELECT r.server FROM module_runs r JOIN module_servers s USING (module, server)"
                        + " WHERE r.status = 'running' AND s.server IN (" + String.join(", ", serversOf(group)) + ")"));
                return !servers.isEmpty();
            } catch (Exception e) {
                return false;
            }
        });
        return servers.get(0);
    }

    static List<String> serversOf(String group) {
        return switch (group) {
            case "users" -> List.of("'u1'", "'u2'");
            case "deleted" -> List.of("'gone'");
            default -> List.of("'crash'");
        };
    }

    static ServerModuleStatus status(String server) {
        try {
            List<ServerModuleStatus> all = Json.json().readValue(admin.ok("modules", "status", SlowModule.NAME, "-o",
                    "json"), new TypeReference<List<ServerModuleStatus>>() {});
            return all.stream().filter(s -> s.server().equals(server)).findFirst().orElseThrow(
                    () -> new AssertionError("no status of " + server + " in " + all));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> sql(String query) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + labd.dbPort + "/postgres",
                "postgres", ""); PreparedStatement s = db.prepareStatement(query); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                out.add(r.getString(1));
            }
        }
        return out;
    }
}
