package io.labctl.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.itests.support.Agent;
import io.labctl.itests.support.Cli;
import io.labctl.itests.support.Labd;
import io.labctl.itests.support.Processes;
import io.labctl.protocol.AgentCapability;
import io.labctl.protocol.ServerInfo;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code labctl logs -f} of a file written at 1,000 numbered lines a second, through the real CLI, labd and agent,
 * while the agent's logs capability is upgraded in place (0.2.0: the built bundle re-versioned, as AgentUpgradeE2E
 * does for ping and exec). The follow is handed over to the new version with a cursor: every number arrives exactly
 * once, in order, compressed (the CLI's default) and plain, and the CLI never sees the stream end. Then the agent is
 * restarted (stopped, started again): the follows are handed over as the agent stops, labd waits for it to come back
 * and resumes them, again with every line once.
 */
class AgentLogsHandoverE2E {
    static final String LOGS = "io.labctl.agent.logs";
    static final int LINES_PER_SECOND = 1_000;

    @TempDir
    Path dir;

    @Test
    void aFollowGoesOnThroughALogsUpgradeWithEveryLineOnceInOrder() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("var-log"));
        Labd labd = Labd.install(dir.resolve("labd"), null);
        // what roles without log paths of their own may read (instead of /var/log/**, which a test may not write)
        Files.writeString(labd.home.resolve("etc/io.labctl.rbac.cfg"), "defaultLogPaths = " + logs + "/**\n");
        // an agent restart on this loaded machine may take longer than the default 30 s
        Files.writeString(labd.home.resolve("etc/io.labctl.gateway.cfg"), "resumeWaitSeconds = 180\n");
        try (labd) {
            labd.start();
            Files.createDirectories(dir.resolve("cli"));
            Cli cli = new Cli(dir.resolve("cli/config.yaml"));
            cli.ok("config", "import", labd.adminBundle().toString());
            String token = cli.ok("create", "token", "--server", "logs-1").strip();
            try (Agent agent = Agent.install(dir.resolve("logs-1"), "logs-1", labd.url(), token).start()) {
                agent.awaitOnline(cli, Duration.ofSeconds(120), labd.log());
                String version = server(cli).facts().agentVersion();
                followThroughAnUpgrade(cli, agent, logs.resolve("app.log"), version, labd.log());
            }
        }
    }

    void followThroughAnUpgrade(Cli cli, Agent agent, Path file, String version, Path labdLog) throws Exception {
        String mvn = version.replace(".SNAPSHOT", "-SNAPSHOT");
        Path built = agent.home.resolve("system/io/labctl/" + LOGS + "/" + mvn + "/" + LOGS + "-" + mvn + ".jar");
        cli.ok("repo", "push", AgentUpgradeE2E.withManifest(built, dir.resolve("logs-0.2.0.jar"), "0.2.0", null).toString(),
                "--name", "lab-agent-logs", "--version", "0.2.0");

        Files.writeString(file, "");
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger written = new AtomicInteger();
        Thread writer = new Thread(() -> write(file, writing, written), "numbered-lines");
        writer.start();
        Path compressed = dir.resolve("follow-compressed.out");
        Path plain = dir.resolve("follow-plain.out");
        List<Process> follows = new ArrayList<>();
        try {
            follows.add(new ProcessBuilder(cli.command("logs", "server/logs-1", "--file", file.toString(), "-f", "-n", "0"))
                    .redirectOutput(compressed.toFile()).redirectError(dir.resolve("follow-compressed.err").toFile()).start());
            follows.add(new ProcessBuilder(cli.command("logs", "server/logs-1", "--file", file.toString(), "-f", "-n", "0",
                    "--no-compress")).redirectOutput(plain.toFile()).redirectError(dir.resolve("follow-plain.err").toFile())
                    .start());
            Processes.await("both follows streaming", Duration.ofSeconds(60),
                    () -> lineCount(compressed) > 1_000 && lineCount(plain) > 1_000);

            int before = written.get();
            long start = System.nanoTime();
            Processes.Result up = cli.run("agents", "upgrade", "--feature", "logs", "--to", "0.2.0", "-l", "name=logs-1");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(0, up.exitCode(), up.toString());
            assertTrue(up.stdout().contains("2 stream(s) handed over to 0.2.0"), up.stdout());
            System.out.println("logs upgraded under two follows (" + (written.get() - before) + " lines written meanwhile), "
                    + millis + " ms through the CLI\n" + up.stdout());
            Processes.await("labd to see logs 0.2.0 alone on logs-1", Duration.ofSeconds(30), () ->
                    server(cli).facts().capabilities().stream().filter(c -> c.bundle().equals(LOGS)).toList()
                            .equals(List.of(new AgentCapability("lab-agent-logs", LOGS, "0.2.0", "active"))));

            // more lines through the new version
            int target = written.get() + 2 * LINES_PER_SECOND;
            Processes.await("two more seconds of lines", Duration.ofSeconds(60), () -> written.get() >= target);

            // the agent restarts: the follows are handed over as it stops and resumed once it is back
            long stopAt = System.nanoTime();
            agent.stop();
            long stopped = (System.nanoTime() - stopAt) / 1_000_000;
            int whileDown = written.get();
            agent.start();
            long compressedBefore = lineCount(compressed);
            Processes.await("the follows to go on after the restart", Duration.ofSeconds(180),
                    () -> lineCount(compressed) > compressedBefore + LINES_PER_SECOND
                            && text(plain).contains("line " + (whileDown + LINES_PER_SECOND) + "\n"));
            System.out.println("agent restarted under two follows: stopped in " + stopped + " ms, lines flowing again "
                    + (System.nanoTime() - stopAt) / 1_000_000 + " ms after the stop began");
            int more = written.get() + LINES_PER_SECOND;
            Processes.await("one more second of lines", Duration.ofSeconds(60), () -> written.get() >= more);

            replaceTheCoreUnderTheFollows(cli, agent, mvn, written, compressed, plain);
            writing.set(false);
            writer.join();
            int last = written.get();
            for (Path out : List.of(compressed, plain)) {
                Processes.await(out.getFileName() + " to reach line " + last, Duration.ofSeconds(60),
                        () -> text(out).endsWith("line " + last + "\n"));
            }
            for (Process p : follows) {
                assertTrue(p.isAlive(), "the follow never ended: the CLI saw one unbroken stream");
            }
            for (Path out : List.of(compressed, plain)) {
                List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
                int first = Integer.parseInt(lines.get(0).substring("line ".length()));
                for (int i = 0; i < lines.size(); i++) {
                    assertEquals("line " + (first + i), lines.get(i), out.getFileName() + ": line " + i
                            + " (every number once, in order)");
                }
                assertEquals(last, first + lines.size() - 1, out.getFileName() + " ends with the last line written");
                System.out.println(out.getFileName() + ": lines " + first + " to " + last + ", each once, in order ("
                        + lines.size() + " lines, " + (before - first + 1) + " before the upgrade)");
            }
            String labdText = Files.readString(labdLog);
            assertTrue(labdText.contains("handed over by the agent"), "labd's log says");
        } finally {
            writing.set(false);
            for (Process p : follows) {
                p.destroy();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
        Processes.Result audit = cli.run("logs", "audit", "--since", "1h");
        assertTrue(audit.stdout().contains("handover"), "the follows' audit rows say they were handed over");
        killedDuringACoreReplacement(cli, agent, mvn);
    }

    /**
     * kill -9 while the core is being replaced (its journal present): at the next start the agent runs one core,
     * whole (the old one, or the new one once it connected), the journal is settled, and labd knows the version.
     */
    void killedDuringACoreReplacement(Cli cli, Agent agent, String mvn) throws Exception {
        String core = "io.labctl.agent.core";
        Path built = agent.home.resolve("system/io/labctl/" + core + "/" + mvn + "/" + core + "-" + mvn + ".jar");
        cli.ok("repo", "push", AgentUpgradeE2E.withManifest(built, dir.resolve("core-0.5.0.jar"), "0.5.0", null).toString(),
                "--name", "lab-agent-core", "--version", "0.5.0");
        Path journal = agent.home.resolve("data/labctl/capabilities/core-upgrade.properties");
        java.util.concurrent.CompletableFuture<Processes.Result> upgrading = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return cli.run("agents", "upgrade", "--feature", "core", "--to", "0.5.0", "-l", "name=logs-1");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Processes.await("the core replacement under way (its journal written)", Duration.ofSeconds(60), () -> Files.exists(journal));
        agent.kill();
        agent.start();
        agent.awaitOnline(cli, Duration.ofSeconds(120));
        Processes.await("the journal settled", Duration.ofSeconds(60), () -> !Files.exists(journal));
        Processes.Result cut = upgrading.get(120, TimeUnit.SECONDS);
        String version = server(cli).facts().agentVersion();
        System.out.println("kill -9 during a core replacement: the agent came back with core " + version
                + "; the rollout said (exit " + cut.exitCode() + "):\n" + cut.stdout() + cut.stderr());
        assertTrue(version.equals("0.2.0") || version.equals("0.5.0"), "one core, the old or the new: " + version);
        Processes.await("labd to see the core " + version + " the agent runs", Duration.ofSeconds(30), () ->
                server(cli).facts().capabilities().stream().filter(c -> c.bundle().equals(core)).toList()
                        .equals(List.of(new AgentCapability("lab-agent-core", core, version, "active"))));
        Processes.Result exec = cli.run("exec", "server/logs-1", "--", "echo", "whole");
        assertEquals(0, exec.exitCode(), exec.toString());
        assertEquals("whole\n", exec.stdout());
    }

    /**
     * The agent core (the bundle that holds the connection) replaced by 0.2.0 in the running JVM: the agent connects
     * again with the same identity, labd reports it upgraded once it is back with the new version, the follows go on by
     * themselves, and the capabilities (not restarted) still serve.
     */
    void replaceTheCoreUnderTheFollows(Cli cli, Agent agent, String mvn, AtomicInteger written, Path compressed,
                                       Path plain) throws Exception {
        String core = "io.labctl.agent.core";
        Path built = agent.home.resolve("system/io/labctl/" + core + "/" + mvn + "/" + core + "-" + mvn + ".jar");
        cli.ok("repo", "push", AgentUpgradeE2E.withManifest(built, dir.resolve("core-0.2.0.jar"), "0.2.0", null).toString(),
                "--name", "lab-agent-core", "--version", "0.2.0");
        long start = System.nanoTime();
        Processes.Result up = cli.run("agents", "upgrade", "--feature", "core", "--to", "0.2.0", "-l", "name=logs-1");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, up.exitCode(), up.toString());
        assertTrue(up.stdout().contains("agent core replaced"), up.stdout());
        String log = agent.logText();
        java.util.regex.Matcher reconnect = java.util.regex.Pattern.compile("connected to labd again (\\d+) ms").matcher(log);
        assertTrue(reconnect.find(), "the agent's log says when the new core connected");
        System.out.println("agent core replaced under two follows: " + millis + " ms through the CLI; reconnected "
                + reconnect.group(1) + " ms after the old core began to stop (the agent's own measure)\n" + up.stdout());
        assertEquals("0.2.0", server(cli).facts().agentVersion());
        int next = written.get() + LINES_PER_SECOND;
        Processes.await("the follows to go on after the core was replaced", Duration.ofSeconds(60),
                () -> text(plain).contains("line " + next + "\n") && text(compressed).contains("line " + next + "\n"));
        Processes.Result exec = cli.run("exec", "server/logs-1", "--", "echo", "served by the same exec bundle");
        assertEquals(0, exec.exitCode(), "the capabilities serve the new core: " + exec);

        // a core that cannot resolve (an import nothing exports): refused before the running core is touched
        cli.ok("repo", "push", AgentUpgradeE2E.withManifest(built, dir.resolve("core-0.3.0.jar"), "0.3.0",
                "com.example.nowhere").toString(), "--name", "lab-agent-core", "--version", "0.3.0");
        Processes.Result unresolvable = cli.run("agents", "upgrade", "--feature", "core", "--to", "0.3.0", "-l", "name=logs-1");
        assertEquals(1, unresolvable.exitCode(), unresolvable.toString());
        assertTrue(unresolvable.stdout().matches("(?s).*logs-1 +rolled-back .*does not resolve.*0\\.2\\.0 was not touched.*"),
                unresolvable.stdout());

        // a core that starts but never connects (its components left out): the agent puts 0.2.0 back by itself
        Path silent = withoutComponents(AgentUpgradeE2E.withManifest(built, dir.resolve("core-0.4.0-full.jar"), "0.4.0", null),
                dir.resolve("core-0.4.0.jar"));
        cli.ok("repo", "push", silent.toString(), "--name", "lab-agent-core", "--version", "0.4.0");
        Processes.Result broken = cli.run("agents", "upgrade", "--feature", "core", "--to", "0.4.0", "-l", "name=logs-1");
        assertEquals(1, broken.exitCode(), broken.toString());
        assertTrue(broken.stdout().matches("(?s).*logs-1 +rolled-back .*with core 0\\.2\\.0: the new core 0\\.4\\.0 did not start.*"), broken.stdout());
        System.out.println("a core that never connects, rolled back by the agent:\n" + broken.stdout());
        assertTrue(agent.logText().contains("agent core 0.2.0 put back"), "the agent's log says");
        assertEquals("0.2.0", server(cli).facts().agentVersion());
        int after = written.get() + LINES_PER_SECOND;
        Processes.await("the follows to go on after the rollback", Duration.ofSeconds(60),
                () -> text(plain).contains("line " + after + "\n") && text(compressed).contains("line " + after + "\n"));
    }

    /** A copy of the jar without its DS component descriptions: it starts, but runs nothing. */
    static Path withoutComponents(Path jar, Path target) throws Exception {
        try (java.util.jar.JarFile in = new java.util.jar.JarFile(jar.toFile());
             java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(target))) {
            io.labctl.itests.support.Jars.copyEntries(in, out, name -> name.startsWith("OSGI-INF/"));
        }
        return target;
    }

    /** Numbered lines at about {@link #LINES_PER_SECOND}, ten at a time. */
    static void write(Path file, AtomicBoolean writing, AtomicInteger written) {
        try (Writer w = Files.newBufferedWriter(file, StandardOpenOption.APPEND)) {
            long next = System.nanoTime();
            while (writing.get()) {
                for (int i = 0; i < 10; i++) {
                    w.write("line " + (written.get() + 1) + "\n");
                    written.incrementAndGet();
                }
                w.flush();
                next += TimeUnit.MILLISECONDS.toNanos(10_000 / LINES_PER_SECOND);
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static long lineCount(Path file) {
        try (var lines = Files.lines(file)) {
            return lines.count();
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    static ServerInfo server(Cli cli) {
        return cli.servers().stream().filter(s -> s.name().equals("logs-1")).findFirst().orElseThrow();
    }
}
