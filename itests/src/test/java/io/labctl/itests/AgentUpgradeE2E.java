package io.labctl.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.itests.support.Agent;
import io.labctl.itests.support.Cli;
import io.labctl.itests.support.Labd;
import io.labctl.itests.support.Processes;
import io.labctl.itests.support.Tls;
import io.labctl.protocol.AgentCapability;
import io.labctl.protocol.AgentUpgrade;
import io.labctl.protocol.CredentialBundle;
import io.labctl.protocol.Json;
import io.labctl.protocol.Progress;
import io.labctl.protocol.ServerInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live upgrades of agent capabilities through the real labd, agent and CLI (profile modules-e2e): agent-ping 0.2.0
 * (the built bundle with another version in its manifest) pushed to labd's repository and upgraded in place; a 0.3.0
 * that cannot resolve rolled back by the agent itself; bad requests refused; exec upgraded while an exec runs, which
 * drains on the old version and ends with its output whole. (The capability reports themselves: FleetSmokeIT.)
 */
class AgentUpgradeE2E {
    @TempDir
    Path dir;

    @Test
    void capabilitiesAreUpgradedInPlaceRolledBackWhenBrokenAndRunningExecsDrain() throws Exception {
        try (Labd labd = Labd.install(dir.resolve("labd"), null).start()) {
            Files.createDirectories(dir.resolve("cli"));
            Cli cli = new Cli(dir.resolve("cli/config.yaml"));
            cli.ok("config", "import", labd.adminBundle().toString());
            String token = cli.ok("create", "token", "--server", "cap-1").strip();
            try (Agent agent = Agent.install(dir.resolve("cap-1"), "cap-1", labd.url(), token).start()) {
                agent.awaitOnline(cli, Duration.ofSeconds(120), labd.log());
                ServerInfo server = cli.servers().stream().filter(s -> s.name().equals("cap-1")).findFirst().orElseThrow();
                assertNotNull(server.facts().capabilities(), "labd keeps the agent's capability report");
                this.labd = labd;
                upgradeInPlaceAndRollBack(cli, agent, server.facts().agentVersion());
            }
        }
    }

    /**
     * A client that does not ask for NDJSON (curl, a script) gets the one JSON answer at the end, as before the
     * progress events; one that does gets the events with the same answer last.
     */
    void plainClientGetsOneJsonAnswer() throws Exception {
        java.net.http.HttpClient admin = Tls.client(CredentialBundle.read(labd.adminBundle()));
        String body = "{\"feature\":\"ping\",\"version\":\"0.2.0\",\"selector\":\"name=cap-1\"}";
        java.net.http.HttpResponse<String> plain = admin.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(labd.url() + "/api/v1/agents/upgrade")).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, plain.statusCode(), plain.body());
        assertEquals("application/json", plain.headers().firstValue("Content-Type").orElse(""), plain.body());
        AgentUpgrade.Result result = Json.json().readValue(plain.body(), AgentUpgrade.Result.class);
        assertEquals(1, result.unchanged(), plain.body());
        java.net.http.HttpResponse<String> events = admin.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(labd.url() + "/api/v1/agents/upgrade")).header("Content-Type", "application/json")
                .header("Accept", Progress.CONTENT_TYPE).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(Progress.CONTENT_TYPE, events.headers().firstValue("Content-Type").orElse(""), events.body());
        java.util.List<Progress> lines = new java.util.ArrayList<>();
        for (String line : events.body().split("\n")) {
            lines.add(Json.json().readValue(line, Progress.class));
        }
        assertEquals(java.util.List.of(Progress.STEP, Progress.BATCH, Progress.START, Progress.RESULT, Progress.FINAL),
                lines.stream().map(Progress::type).filter(t -> !Progress.KEEP_ALIVE.equals(t)).toList(), events.body());
        assertEquals(result.servers().get(0).result(), Json.json().treeToValue(lines.get(lines.size() - 1).result(),
                AgentUpgrade.Result.class).servers().get(0).result());
    }

    static final String PING = "io.labctl.agent.ping";
    Labd labd;

    void upgradeInPlaceAndRollBack(Cli cli, Agent agent, String version) throws Exception {
        Path built = agent.home.resolve("system/io/labctl/" + PING + "/" + version.replace(".SNAPSHOT", "-SNAPSHOT") + "/"
                + PING + "-" + version.replace(".SNAPSHOT", "-SNAPSHOT") + ".jar");
        Path v2 = withManifest(built, dir.resolve("ping-0.2.0.jar"), "0.2.0", null);
        Path v3 = withManifest(built, dir.resolve("ping-0.3.0.jar"), "0.3.0", "com.example.nowhere");
        cli.ok("repo", "push", v2.toString(), "--name", "lab-agent-ping", "--version", "0.2.0");
        cli.ok("repo", "push", v3.toString(), "--name", "lab-agent-ping", "--version", "0.3.0");

        long start = System.nanoTime();
        Processes.Result up = cli.run("agents", "upgrade", "--feature", "ping", "--to", "0.2.0", "-l", "name=cap-1");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, up.exitCode(), up.toString());
        assertTrue(up.stdout().matches("(?s).*cap-1 +upgraded +" + version.replace(".", "\\.") + " +0\\.2\\.0 .*"), up.stdout());
        System.out.println("agents upgrade of one agent, CLI to answer: " + millis + " ms\n" + up.stdout());
        // labd's progress events, on stderr as they came: the batch, the agent's start and its end
        assertTrue(up.stderr().contains("resolved: lab-agent-ping (" + PING + ") to 0.2.0 on 1 server(s)")
                && up.stderr().contains("batch 1/1: cap-1") && up.stderr().contains("cap-1: started")
                && up.stderr().matches("(?s).*\\[1/1\\] cap-1 upgraded " + version.replace(".", "\\.") + " -> 0\\.2\\.0.*"),
                up.stderr());
        Processes.await("labd to see ping 0.2.0 on cap-1", Duration.ofSeconds(30), () -> {
            ServerInfo s = cli.servers().stream().filter(x -> x.name().equals("cap-1")).findFirst().orElseThrow();
            return s.facts().capabilities().contains(new AgentCapability("lab-agent-ping", PING, "0.2.0", "active"))
                    && s.facts().capabilities().stream().noneMatch(c -> c.bundle().equals(PING) && !c.version().equals("0.2.0"));
        });
        assertEquals(0, cli.run("ping", "server/cap-1").exitCode(), "the upgraded capability serves");
        assertTrue(cli.ok("agents", "versions", "--feature", "ping").contains("0.2.0"));

        Processes.Result again = cli.run("agents", "upgrade", "--feature", "lab-agent-ping", "--to", "0.2.0", "-l", "name=cap-1");
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.stdout().contains("unchanged"), again.stdout());
        plainClientGetsOneJsonAnswer();

        Processes.Result broken = cli.run("agents", "upgrade", "--feature", "ping", "--to", "0.3.0", "-l", "name=cap-1");
        assertEquals(1, broken.exitCode(), broken.toString());
        assertTrue(broken.stdout().matches("(?s).*cap-1 +rolled-back .*0\\.2\\.0 runs on.*"), broken.stdout());
        assertTrue(broken.stderr().contains("[1/1] cap-1 rolled-back 0.2.0 -> 0.3.0"), broken.stderr());
        assertEquals(0, cli.run("ping", "server/cap-1").exitCode(), "the old version serves on after the rollback");
        ServerInfo s = cli.servers().stream().filter(x -> x.name().equals("cap-1")).findFirst().orElseThrow();
        assertTrue(s.facts().capabilities().stream().noneMatch(c -> c.version().equals("0.3.0")), s.facts().toString());

        Processes.Result missing = cli.run("agents", "upgrade", "--feature", "ping", "--to", "9.9.9", "-l", "name=cap-1");
        assertEquals(1, missing.exitCode());
        assertTrue(missing.stderr().contains("not in labd's repository"), missing.stderr());
        Processes.Result several = cli.run("agents", "upgrade", "--feature", "modules", "--to", "0.2.0", "-l", "name=cap-1");
        assertEquals(1, several.exitCode());
        assertTrue(several.stderr().contains("live upgrades replace one bundle"), several.stderr());
        assertEquals(2, cli.run("agents", "upgrade", "--feature", "ping", "--to", "0.2.0").exitCode(), "no selector");
        String audit = cli.ok("logs", "audit", "--since", "1h");
        assertTrue(audit.contains("agent.upgrade"), audit);

        // exec upgraded while an exec runs: the running one drains on the old version and ends normally
        String mvnVersion = version.replace(".SNAPSHOT", "-SNAPSHOT");
        Path exec = agent.home.resolve("system/io/labctl/io.labctl.agent.exec/" + mvnVersion + "/io.labctl.agent.exec-"
                + mvnVersion + ".jar");
        cli.ok("repo", "push", withManifest(exec, dir.resolve("exec-0.2.0.jar"), "0.2.0", null).toString(),
                "--name", "lab-agent-exec", "--version", "0.2.0");
        Path marker = dir.resolve("exec-started");
        java.util.concurrent.CompletableFuture<Processes.Result> running = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return cli.run("exec", "server/cap-1", "--", "sh", "-c", "echo started; touch " + marker
                        + "; sleep 6; echo finished");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Processes.await("the exec running on the old version", Duration.ofSeconds(30), () -> Files.exists(marker));
        Processes.Result execUp = cli.run("agents", "upgrade", "--feature", "exec", "--to", "0.2.0", "-l", "name=cap-1");
        assertEquals(0, execUp.exitCode(), execUp.toString());
        assertTrue(execUp.stdout().contains("1 stream(s) on the old version ran to their end"), execUp.stdout());
        Processes.Result ran = running.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(0, ran.exitCode(), ran.toString());
        assertEquals("started\nfinished\n", ran.stdout(), "the exec's output is whole");
        Processes.Result after = cli.run("exec", "server/cap-1", "--", "echo", "new");
        assertEquals(0, after.exitCode(), "a new exec runs on the new version: " + after);
        assertEquals("new\n", after.stdout());

        killedMidUpgradeRestartsWithOneVersionWhole(cli, agent, exec);
    }

    /**
     * kill -9 while the upgrade waits for an old exec to end (the new version healthy, both installed): at its restart
     * the agent finishes the upgrade (only the new version), and labd knows it from the agent's report.
     */
    void killedMidUpgradeRestartsWithOneVersionWhole(Cli cli, Agent agent, Path exec) throws Exception {
        String execBundle = "io.labctl.agent.exec";
        cli.ok("repo", "push", withManifest(exec, dir.resolve("exec-0.3.0.jar"), "0.3.0", null).toString(),
                "--name", "lab-agent-exec", "--version", "0.3.0");
        Path marker = dir.resolve("long-exec-started");
        java.util.concurrent.CompletableFuture<Processes.Result> longExec = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return cli.run("exec", "server/cap-1", "--", "sh", "-c", "touch " + marker + "; sleep 120");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Processes.await("the long exec running on 0.2.0", Duration.ofSeconds(30), () -> Files.exists(marker));
        java.util.concurrent.CompletableFuture<Processes.Result> upgrading = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return cli.run("agents", "upgrade", "--feature", "exec", "--to", "0.3.0", "-l", "name=cap-1", "--drain", "300");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Processes.await("0.3.0 healthy beside 0.2.0, draining", Duration.ofSeconds(60), () -> {
            ServerInfo s = cli.servers().stream().filter(x -> x.name().equals("cap-1")).findFirst().orElseThrow();
            return s.facts().capabilities().contains(new AgentCapability("lab-agent-exec", execBundle, "0.3.0", "active"))
                    && s.facts().capabilities().contains(new AgentCapability("lab-agent-exec", execBundle, "0.2.0", "active"));
        });
        agent.kill();
        Processes.Result cut = upgrading.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(1, cut.exitCode(), "an agent that died mid-upgrade is a failure of the rollout: " + cut);
        longExec.get(60, java.util.concurrent.TimeUnit.SECONDS);

        agent.start();
        agent.awaitOnline(cli, Duration.ofSeconds(120));
        Processes.await("labd to see exec 0.3.0 alone on cap-1", Duration.ofSeconds(60), () -> {
            ServerInfo s = cli.servers().stream().filter(x -> x.name().equals("cap-1")).findFirst().orElseThrow();
            return s.facts().capabilities().stream().filter(c -> c.bundle().equals(execBundle)).toList()
                    .equals(java.util.List.of(new AgentCapability("lab-agent-exec", execBundle, "0.3.0", "active")));
        });
        Processes.Result after = cli.run("exec", "server/cap-1", "--", "echo", "whole");
        assertEquals(0, after.exitCode(), after.toString());
        assertEquals("whole\n", after.stdout());
        assertTrue(agent.logText().contains("finished the upgrade of " + execBundle + " to 0.3.0"), "the agent's log says");
    }

    /** A copy of the jar with another Bundle-Version and, when given, an import nothing exports (it cannot resolve). */
    static Path withManifest(Path jar, Path target, String version, String missingImport) throws Exception {
        try (java.util.jar.JarFile in = new java.util.jar.JarFile(jar.toFile())) {
            java.util.jar.Manifest manifest = new java.util.jar.Manifest(in.getManifest());
            manifest.getMainAttributes().putValue("Bundle-Version", version);
            if (missingImport != null) {
                String imports = manifest.getMainAttributes().getValue("Import-Package");
                manifest.getMainAttributes().putValue("Import-Package", (imports == null ? "" : imports + ",") + missingImport);
            }
            try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(target), manifest)) {
                io.labctl.itests.support.Jars.copyEntries(in, out, name -> name.equals("META-INF/MANIFEST.MF"));
            }
        }
        return target;
    }
}
