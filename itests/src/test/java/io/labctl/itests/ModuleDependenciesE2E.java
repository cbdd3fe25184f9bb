package io.labctl.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.labctl.itests.support.Agent;
import io.labctl.itests.support.Cli;
import io.labctl.itests.support.Labd;
import io.labctl.itests.support.Processes;
import io.labctl.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Module dependencies end to end: real labd, real agents on this host (each with its own root folder), the real CLI
 * and two example modules, example-leaf requiring example-tree [1.0,2). An apply or dry run of the leaf is refused
 * (and audited) where the tree is not assigned; removing the tree is refused while the leaf is there; a new server
 * converges the tree first, and where the tree fails the leaf waits for it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModuleDependenciesE2E {
    static final String TREE = "example-tree";
    static final String LEAF = "example-leaf";
    static final String SELECTOR = "tier=dep";
    static final String LEAF_FILE = "srv/tree/leaf.conf";

    @TempDir
    static Path dir;
    static Labd labd;
    static Cli cli;
    static final List<Agent> agents = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        labd = Labd.install(dir.resolve("labd"), "");
        // a scan every 2 s instead of 30, so that labd's own convergence shows here; no scheduled check in the test
        Files.writeString(labd.home.resolve("etc/io.labctl.modules.cfg"), "scanSeconds = 2\ncheckMinutes = 600\n");
        labd.start();
        Files.createDirectories(dir.resolve("cli"));
        cli = new Cli(dir.resolve("cli/config.yaml"));
        cli.ok("config", "import", labd.adminBundle().toString());
        cli.ok("repo", "push", System.getProperty("module.tree.jar"));
        cli.ok("repo", "push", System.getProperty("module.leaf.jar"));
        startAgents("d1", "d2");
    }

    @AfterAll
    static void stop() throws Exception {
        for (Agent a : agents) {
            a.close();
        }
        if (labd != null) {
            labd.close();
        }
    }

    /** Agents labelled tier=dep, each resolving module paths under its own root folder; online when this returns. */
    static void startAgents(String... names) throws Exception {
        List<Agent> started = new ArrayList<>();
        for (String name : names) {
            cli.environments("lab:baremetal");
            String token = cli.ok("create", "token", "--env", "lab", "--label", SELECTOR, "--ttl", "1h").strip();
            Agent a = Agent.install(dir.resolve("agents/" + name), name, labd.url(), token);
            Files.createDirectories(root(name));
            Files.writeString(a.home.resolve("etc/io.labctl.agent.modules.cfg"), "root = " + root(name) + "\n");
            agents.add(a.start());
            started.add(a);
        }
        for (Agent a : started) {
            a.awaitOnline(cli, Duration.ofSeconds(120), labd.log());
        }
    }

    static Path root(String agent) {
        return dir.resolve("roots/" + agent);
    }

    /** A few files are enough here; bash is installed on this host (the tree's package). */
    static Processes.Result applyTree(String selector) throws Exception {
        return cli.run("modules", "apply", TREE, "-l", selector, "--set", "files=3", "--set", "dirs=1");
    }

    static JsonNode state(String module, String server) throws Exception {
        for (JsonNode s : Json.json().readTree(cli.ok("modules", "status", module, "-o", "json"))) {
            if (s.path("server").asText().equals(server)) {
                return s;
            }
        }
        return null;
    }

    static boolean stateIs(String module, String server, String state) {
        try {
            JsonNode s = state(module, server);
            return s != null && state.equals(s.path("state").asText());
        } catch (Exception e) {
            return false;
        }
    }

    static List<JsonNode> auditRows(String action) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        Json.json().readTree(cli.ok("logs", "audit", "--action", action, "-o", "json")).forEach(out::add);
        return out;
    }

    @Test
    @Order(1)
    void describeShowsWhatAModuleRequires() throws Exception {
        String described = cli.ok("describe", "module/" + LEAF);
        assertTrue(described.matches("(?s).*Requires:\\s+example-tree \\[1\\.0,2\\).*"), described);
    }

    @Test
    @Order(2)
    void applyAndDryRunAreRefusedWhereTheRequiredModuleIsNotAssigned() throws Exception {
        assertEquals(0, applyTree("name=d1").exitCode());

        for (List<String> args : List.of(List.of("modules", "apply", LEAF, "-l", SELECTOR),
                List.of("modules", "apply", LEAF, "-l", SELECTOR, "--dry-run"))) {
            Processes.Result r = cli.run(args.toArray(String[]::new));
            assertNotEquals(0, r.exitCode(), r.toString());
            assertTrue(r.stderr().contains("example-tree [1.0,2) is not assigned on d2"), r.toString());
            assertFalse(r.stderr().contains("on d1"), "d1 has the tree: " + r);
            assertTrue(r.stderr().contains("labctl modules apply example-tree -l " + SELECTOR), r.toString());
        }
        assertFalse(Files.exists(root("d1").resolve(LEAF_FILE)), "nothing applied");
        assertEquals(0, Json.json().readTree(cli.ok("modules", "history", LEAF, "-o", "json")).size(), "no revision");
        assertTrue(auditRows("module.apply").stream().anyMatch(row -> "failed".equals(row.path("result").asText())
                && row.path("error").asText().contains("example-tree [1.0,2) is not assigned on d2")),
                "the refusal is audited: " + auditRows("module.apply"));

        assertEquals(0, applyTree(SELECTOR).exitCode());
        Processes.Result leaf = cli.run("modules", "apply", LEAF, "-l", SELECTOR);
        assertEquals(0, leaf.exitCode(), leaf.toString());
        assertEquals("leaf of the tree on d2\n", Files.readString(root("d2").resolve(LEAF_FILE)));
    }

    @Test
    @Order(3)
    void removingARequiredModuleIsRefusedWhileAModuleRequiresIt() throws Exception {
        Processes.Result r = cli.run("modules", "remove", TREE, "-l", SELECTOR);

        assertNotEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("example-leaf on d1, d2"), r.toString());
        assertTrue(r.stderr().contains("labctl modules remove example-leaf -l " + SELECTOR), r.toString());
        assertTrue(Files.exists(root("d1").resolve("srv/tree/settings.conf")), "the tree's removal did not run");
        assertTrue(stateIs(TREE, "d1", "converged"));
        assertTrue(auditRows("module.remove").stream().anyMatch(row -> "failed".equals(row.path("result").asText())
                && row.path("error").asText().contains("example-leaf on d1, d2")), "the refusal is audited");
    }

    @Test
    @Order(4)
    void aNewServerGetsTheRequiredModuleFirstAndWhereThatFailsTheOtherWaits() throws Exception {
        // d4's tree cannot be made: a regular file stands where its folder goes
        Files.createDirectories(root("d4").resolve("srv"));
        Files.writeString(root("d4").resolve("srv/tree"), "in the way\n");
        startAgents("d3", "d4");

        Processes.await("d3 to converge both modules", Duration.ofSeconds(120),
                () -> stateIs(TREE, "d3", "converged") && stateIs(LEAF, "d3", "converged"));
        Instant treeRan = Instant.parse(state(TREE, "d3").path("lastRun").asText());
        Instant leafRan = Instant.parse(state(LEAF, "d3").path("lastRun").asText());
        assertTrue(treeRan.isBefore(leafRan), "the tree ran first: " + treeRan + " vs " + leafRan);
        assertEquals("leaf of the tree on d3\n", Files.readString(root("d3").resolve(LEAF_FILE)));

        Processes.await("the tree to fail on d4", Duration.ofSeconds(120), () -> stateIs(TREE, "d4", "failed"));
        Thread.sleep(5_000); // two more of labd's scans
        JsonNode leaf = state(LEAF, "d4");
        assertEquals("pending", leaf.path("state").asText(), leaf.toString());
        assertEquals("waiting for example-tree (failed on d4)", leaf.path("detail").asText());
        assertFalse(Files.exists(root("d4").resolve(LEAF_FILE)));

        Files.delete(root("d4").resolve("srv/tree")); // the operator clears the way and applies the tree again
        assertEquals(0, applyTree(SELECTOR).exitCode());
        Processes.await("the leaf to converge on d4 once the tree did", Duration.ofSeconds(60),
                () -> stateIs(LEAF, "d4", "converged"));
        assertEquals("leaf of the tree on d4\n", Files.readString(root("d4").resolve(LEAF_FILE)));
    }

    @Test
    @Order(5)
    void removingTheDependentFirstFreesTheRequiredModule() throws Exception {
        assertEquals(0, cli.run("modules", "remove", LEAF, "-l", SELECTOR).exitCode());
        Processes.Result tree = cli.run("modules", "remove", TREE, "-l", SELECTOR);
        assertEquals(0, tree.exitCode(), tree.toString());
        assertFalse(Files.exists(root("d1").resolve(LEAF_FILE)));
    }
}
