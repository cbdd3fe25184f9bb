package io.labctl.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.labctl.itests.support.Agent;
import io.labctl.itests.support.Cli;
import io.labctl.itests.support.Labd;
import io.labctl.itests.support.Processes;
import io.labctl.protocol.AgentCapability;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code labctl logs server/X -u UNIT -f} of the journal (the default source), through the real CLI, labd and
 * agent, while numbered entries are appended to a real journal file at a steady rate (systemd-journal-remote run again
 * and again; the agent's journalctl reads it through its journalDirectory setting) and the agent's logs capability is
 * upgraded in place, then while the agent restarts. The follow is handed over with the journal's cursor: every number
 * arrives exactly once, in order, compressed (the CLI's default) and plain, and the CLI never sees the stream end.
 */
class AgentJournalHandoverE2E {
    static final String LOGS = AgentLogsHandoverE2E.LOGS;
    static final String UNIT = "numbers.service";
    static final String BOOT = "0123456789abcdef0123456789abcdef";
    /** Entries per systemd-journal-remote run, and the pause between runs: a few hundred entries a second. */
    static final int BATCH = 20;
    static final long PAUSE_MILLIS = 40;

    @TempDir
    Path dir;
    private final AtomicInteger written = new AtomicInteger();
    private long monotonic = 1_000_000;

    @Test
    void aJournalFollowGoesOnThroughALogsUpgradeAndARestartWithEveryEntryOnce() throws Exception {
        assumeTrue(Files.isExecutable(LogsIT.JOURNAL_REMOTE), "systemd-journal-remote is not installed");
        Path journal = Files.createDirectories(dir.resolve("journal"));
        // the file exists before the follows begin (journalctl -f then sees what is appended to it at once)
        append(journal, 3, "other.service");
        Labd labd = Labd.install(dir.resolve("labd"), null);
        // an agent restart on this loaded machine may take longer than the default 30 s
        Files.writeString(labd.home.resolve("etc/io.labctl.gateway.cfg"), "resumeWaitSeconds = 180\n");
        try (labd) {
            labd.start();
            Files.createDirectories(dir.resolve("cli"));
            Cli cli = new Cli(dir.resolve("cli/config.yaml"));
            cli.ok("config", "import", labd.adminBundle().toString());
            String token = cli.ok("create", "token", "--server", "logs-1").strip();
            Agent installed = Agent.install(dir.resolve("logs-1"), "logs-1", labd.url(), token);
            Files.writeString(installed.home.resolve("etc/io.labctl.agent.logs.cfg"),
                    "journalDirectory = " + journal + "\n");
            try (Agent agent = installed.start()) {
                agent.awaitOnline(cli, Duration.ofSeconds(120), labd.log());
                followThroughAnUpgradeAndARestart(cli, agent, journal, labd.log());
            }
        }
    }

    private void followThroughAnUpgradeAndARestart(Cli cli, Agent agent, Path journal, Path labdLog)
            throws Exception {
        String version = AgentLogsHandoverE2E.server(cli).facts().agentVersion();
        String mvn = version.replace(".SNAPSHOT", "-SNAPSHOT");
        Path built = agent.home.resolve("system/io/labctl/" + LOGS + "/" + mvn + "/" + LOGS + "-" + mvn + ".jar");
        cli.ok("repo", "push", AgentUpgradeE2E.withManifest(built, dir.resolve("logs-0.2.0.jar"), "0.2.0", null)
                .toString(), "--name", "lab-agent-logs", "--version", "0.2.0");

        AtomicBoolean writing = new AtomicBoolean(true);
        List<Throwable> writerFailed = new ArrayList<>();
        Thread writer = new Thread(() -> {
            try {
                while (writing.get()) {
                    append(journal, BATCH, UNIT);
                    Thread.sleep(PAUSE_MILLIS);
                }
            } catch (Throwable e) {
                writerFailed.add(e);
            }
        }, "numbered-entries");
        Path compressed = dir.resolve("follow-compressed.out");
        Path plain = dir.resolve("follow-plain.out");
        List<Process> follows = new ArrayList<>();
        try {
            follows.add(new ProcessBuilder(cli.command("logs", "server/logs-1", "-u", UNIT, "-f"))
                    .redirectOutput(compressed.toFile()).redirectError(dir.resolve("follow-compressed.err").toFile())
                    .start());
            follows.add(new ProcessBuilder(cli.command("logs", "server/logs-1", "-u", UNIT, "-f", "--no-compress"))
                    .redirectOutput(plain.toFile()).redirectError(dir.resolve("follow-plain.err").toFile()).start());
            writer.start();
            Processes.await("both follows streaming", Duration.ofSeconds(60),
                    () -> AgentLogsHandoverE2E.lineCount(compressed) > 200
                            && AgentLogsHandoverE2E.lineCount(plain) > 200);

            int before = written.get();
            long start = System.nanoTime();
            Processes.Result up = cli.run("agents", "upgrade", "--feature", "logs", "--to", "0.2.0", "-l",
                    "name=logs-1");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(0, up.exitCode(), up.toString());
            assertTrue(up.stdout().contains("2 stream(s) handed over to 0.2.0"), up.stdout());
            System.out.println("logs upgraded under two journal follows (" + (written.get() - before)
                    + " entries written meanwhile), " + millis + " ms through the CLI\n" + up.stdout());
            Processes.await("labd to see logs 0.2.0 alone on logs-1", Duration.ofSeconds(30), () ->
                    AgentLogsHandoverE2E.server(cli).facts().capabilities().stream()
                            .filter(c -> c.bundle().equals(LOGS)).toList()
                            .equals(List.of(new AgentCapability("lab-agent-logs", LOGS, "0.2.0", "active"))));
            int target = written.get() + 200;
            Processes.await("more entries through the new version", Duration.ofSeconds(60),
                    () -> AgentLogsHandoverE2E.text(plain).contains(": entry " + target + "\n"));

            // the agent restarts: the follows are handed over as it stops and resumed once it is back
            long stopAt = System.nanoTime();
            agent.stop();
            int whileDown = written.get();
            agent.start();
            Processes.await("the follows to go on after the restart", Duration.ofSeconds(180),
                    () -> AgentLogsHandoverE2E.text(plain).contains(": entry " + (whileDown + 200) + "\n")
                            && AgentLogsHandoverE2E.text(compressed).contains(": entry " + (whileDown + 200) + "\n"));
            System.out.println("agent restarted under two journal follows: entries flowing again "
                    + (System.nanoTime() - stopAt) / 1_000_000 + " ms after the stop began");

            writing.set(false);
            writer.join();
            assertEquals(List.of(), writerFailed, "the writer ran to its end");
            int last = written.get();
            for (Path out : List.of(compressed, plain)) {
                Processes.await(out.getFileName() + " to reach entry " + last, Duration.ofSeconds(60),
                        () -> AgentLogsHandoverE2E.text(out).endsWith(": entry " + last + "\n"));
            }
            for (Process p : follows) {
                assertTrue(p.isAlive(), "the follow never ended: the CLI saw one unbroken stream");
            }
            for (Path out : List.of(compressed, plain)) {
                List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
                // the follow began with the unit's last lines (the default count): on from the first one it showed
                String shape = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+0000 logs-1 numbers\\[42\\]: entry ";
                int first = Integer.parseInt(lines.get(0).substring(lines.get(0).lastIndexOf(' ') + 1));
                for (int i = 0; i < lines.size(); i++) {
                    assertTrue(lines.get(i).matches(shape + (first + i)), out.getFileName() + ": line " + i
                            + " is entry " + (first + i) + " (every number once, in order): " + lines.get(i));
                }
                assertEquals(last, first + lines.size() - 1, out.getFileName() + " ends with the last entry written");
                assertTrue(first < before, "the follow began before the upgrade");
                System.out.println(out.getFileName() + ": entries " + first + " to " + last + ", each once, in order ("
                        + lines.size() + " entries, " + (before - first + 1) + " before the upgrade)");
            }
            assertTrue(Files.readString(labdLog).contains("handed over by the agent"), "labd's log says");
        } finally {
            writing.set(false);
            for (Process p : follows) {
                p.destroy();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
        Processes.Result audit = cli.run("logs", "audit", "--since", "1h");
        assertTrue(audit.stdout().contains("handover"), "the follows' audit rows say they were handed over");
    }

    /** Appends numbered entries ("entry N", or other ones for another unit) to the journal file. */
    private void append(Path journal, int count, String unit) throws Exception {
        StringBuilder export = new StringBuilder();
        long now = Instant.now().toEpochMilli() * 1000;
        for (int i = 0; i < count; i++) {
            int n = written.incrementAndGet();
            export.append("__REALTIME_TIMESTAMP=").append(now + i).append('\n')
                    .append("__MONOTONIC_TIMESTAMP=").append(monotonic++).append('\n')
                    .append("_BOOT_ID=").append(BOOT).append('\n')
                    .append("_HOSTNAME=logs-1\n")
                    .append("_SYSTEMD_UNIT=").append(unit).append('\n')
                    .append("SYSLOG_IDENTIFIER=").append(unit.replace(".service", "")).append('\n')
                    .append("_PID=42\n")
                    .append("MESSAGE=entry ").append(n).append("\n\n");
        }
        Path file = Files.createTempFile(dir, "entries", ".export");
        Files.writeString(file, export);
        Processes.Result r = Processes.run(dir, List.of(LogsIT.JOURNAL_REMOTE.toString(), "--output="
                + journal.resolve("test.journal"), file.toString()), Duration.ofSeconds(30));
        assertEquals(0, r.exitCode(), r.toString());
        Files.delete(file);
    }
}
