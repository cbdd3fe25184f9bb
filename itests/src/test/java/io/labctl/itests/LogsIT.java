package io.labctl.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.labctl.itests.support.Agent;
import io.labctl.itests.support.Cli;
import io.labctl.itests.support.Labd;
import io.labctl.itests.support.Processes;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Log streaming end to end: a real journal (files written by systemd-journal-remote, read by the agent's
 * journalctl: no journald runs here), a log file followed across a rotation, the allow-list, the agent's own log.
 */
class LogsIT {
    static final Path JOURNAL_REMOTE = Path.of("/lib/systemd/systemd-journal-remote");

    @TempDir
    static Path dir;
    static Labd labd;
    static Cli admin;
    static Agent agent;
    static Path journal;
    static Path logs;

    @BeforeAll
    static void start() throws Exception {
        journal = Files.createDirectories(dir.resolve("journal"));
        logs = Files.createDirectories(dir.resolve("var-log"));
        if (Files.isExecutable(JOURNAL_REMOTE)) {
            writeJournal();
        }
        labd = Labd.install(dir.resolve("labd"), null);
        // what roles without log paths of their own allow (instead of /var/log/**, which a test may not write)
        Files.writeString(labd.home.resolve("etc/io.labctl.rbac.cfg"), "defaultLogPaths = " + logs + "/**\n");
        labd.start();
        Files.createDirectories(dir.resolve("cli"));
        admin = new Cli(dir.resolve("cli/config.yaml"));
        admin.ok("config", "import", labd.adminBundle().toString());
        String token = admin.ok("create", "token", "--server", "box").strip();
        agent = Agent.install(dir.resolve("agent"), "box", labd.url(), token);
        Files.writeString(agent.home.resolve("etc/io.labctl.agent.logs.cfg"), "journalDirectory = " + journal + "\n");
        agent.start();
        agent.awaitOnline(admin, Duration.ofSeconds(90), labd.log());
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {agent, labd}) {
            if (c != null) {
                c.close();
            }
        }
    }

    /** Two units, several priorities, two hours apart, in the journal's export format, converted to a journal file. */
    static void writeJournal() throws Exception {
        long now = Instant.now().toEpochMilli() * 1000;
        long twoHoursAgo = now - 2L * 3600 * 1_000_000;
        String boot = "0123456789abcdef0123456789abcdef";
        StringBuilder export = new StringBuilder();
        Object[][] entries = {
                {twoHoursAgo, "nginx.service", 6, "nginx old info"},
                {twoHoursAgo + 1000, "cron.service", 3, "cron old error"},
                {now - 600_000_000L, "nginx.service", 3, "nginx recent error"},
                {now - 500_000_000L, "nginx.service", 6, "nginx recent info"},
                {now - 400_000_000L, "cron.service", 6, "cron recent info"},
        };
        long monotonic = 1_000_000;
        for (Object[] e : entries) {
            export.append("__REALTIME_TIMESTAMP=").append(e[0]).append('\n')
                    .append("__MONOTONIC_TIMESTAMP=").append(monotonic += 1000).append('\n')
                    .append("_BOOT_ID=").append(boot).append('\n')
                    .append("_HOSTNAME=box\n")
                    .append("_SYSTEMD_UNIT=").append(e[1]).append('\n')
                    .append("SYSLOG_IDENTIFIER=").append(((String) e[1]).replace(".service", "")).append('\n')
                    .append("PRIORITY=").append(e[2]).append('\n')
                    .append("MESSAGE=").append(e[3]).append("\n\n");
        }
        Path file = dir.resolve("entries.export");
        Files.writeString(file, export);
        Processes.Result r = Processes.run(dir, List.of(JOURNAL_REMOTE.toString(), "--output="
                + journal.resolve("test.journal"), file.toString()), Duration.ofSeconds(30));
        assertEquals(0, r.exitCode(), r.toString());
    }

    @Test
    void theJournalIsFilteredByUnitPrioritySinceAndCount() throws Exception {
        assumeTrue(Files.isExecutable(JOURNAL_REMOTE), "systemd-journal-remote is not installed");
        String nginx = admin.ok("logs", "server/box", "-u", "nginx.service");
        assertTrue(nginx.contains("nginx old info") && nginx.contains("nginx recent error"), nginx);
        assertFalse(nginx.contains("cron"), nginx);

        String errors = admin.ok("logs", "server/box", "-p", "err");
        assertTrue(errors.contains("cron old error") && errors.contains("nginx recent error"), errors);
        assertFalse(errors.contains("info"), errors);

        String recent = admin.ok("logs", "server/box", "--since", "1h ago");
        assertTrue(recent.contains("cron recent info"), recent);
        assertFalse(recent.contains("old"), recent);

        String lastTwo = admin.ok("logs", "server/box", "-n", "2");
        assertTrue(lastTwo.contains("nginx recent info") && lastTwo.contains("cron recent info"), lastTwo);
        assertFalse(lastTwo.contains("nginx recent error"), lastTwo);
    }

    @Test
    void aFollowedFileIsFollowedAcrossARotation() throws Exception {
        Path file = logs.resolve("app.log");
        Files.writeString(file, "first\n");
        Process follow = new ProcessBuilder(admin.command("logs", "server/box", "--file", file.toString(), "-f"))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> copy(follow.getInputStream(), seen));
        reader.start();
        try {
            awaitText(seen, "first");
            Files.writeString(file, "second\n", StandardOpenOption.APPEND);
            awaitText(seen, "second");
            Files.move(file, logs.resolve("app.log.1"));
            Files.writeString(file, "third after rotation\n");
            awaitText(seen, "third after rotation");
            Files.writeString(file, "fourth\n", StandardOpenOption.APPEND);
            awaitText(seen, "fourth");
            String text = seen.toString(StandardCharsets.UTF_8);
            assertEquals(1, text.split("second", -1).length - 1, "no line repeated: " + text);
        } finally {
            follow.destroy();
            follow.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aLargeLogArrivesByteForByteCompressedByDefaultAndPlainOnRequest() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            text.append("2026-11-26T12:").append(i % 60).append(":00Z box app[").append(i % 977)
                    .append("]: request ").append(i).append(" served in ").append(i % 313).append(" ms\n");
        }
        Path file = Files.writeString(logs.resolve("large.log"), text);  // about 6 MB
        for (String flag : new String[] {"--compress", "--no-compress"}) {
            Path out = dir.resolve("large" + flag + ".out");
            Process read = new ProcessBuilder(admin.command("logs", "server/box", "--file", file.toString(), "-n",
                    "1000000", flag)).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            assertTrue(read.waitFor(60, TimeUnit.SECONDS), flag + " read did not end");
            assertEquals(0, read.exitValue(), flag);
            assertEquals(-1, Files.mismatch(file, out), flag + ": the output differs from the file");
        }
        // the agent's own record of the two streams: the compressed one sent far fewer bytes than it read
        String agentLog = agent.logText();
        java.util.regex.Matcher deflated = java.util.regex.Pattern.compile(
                "large\\.log[^\\n]*\\(deflated\\)\\): (\\d+) bytes sent as (\\d+)").matcher(agentLog);
        assertTrue(deflated.find(), "the agent logged no deflated stream of large.log");
        long read = Long.parseLong(deflated.group(1));
        long sent = Long.parseLong(deflated.group(2));
        assertEquals(Files.size(file), read);
        assertTrue(sent * 4 < read, sent + " bytes on the wire for " + read);
    }

    @Test
    void filesOutsideTheAllowListAreRefusedEvenThroughALink() throws Exception {
        Processes.Result shadow = admin.run("logs", "server/box", "--file", "/etc/passwd");
        assertEquals(1, shadow.exitCode(), shadow.toString());
        assertTrue(shadow.stderr().contains("outside"), shadow.stderr());
        Path link = logs.resolve("sneaky.log");
        Files.createSymbolicLink(link, Path.of("/etc/passwd"));
        Processes.Result viaLink = admin.run("logs", "server/box", "--file", link.toString());
        assertEquals(1, viaLink.exitCode(), viaLink.toString());
        assertFalse(viaLink.stdout().contains("root:"), "nothing of the target was sent");
    }

    @Test
    void aRolesOwnLogPathsReplaceTheDefault() throws Exception {
        Path appDir = Files.createDirectories(logs.resolve("app"));
        Files.writeString(appDir.resolve("app.log"), "app line\n");
        Files.writeString(logs.resolve("system.log"), "system line\n");
        admin.ok("create", "role", "app-logs", "--allow", "read:*:*:*", "--log-path", appDir + "/**");
        Path bundle = dir.resolve("lou.labctl.yaml");
        admin.ok("create", "user", "lou", "--out", bundle.toString());
        admin.ok("bind", "role", "app-logs", "--user", "lou");
        Files.createDirectories(dir.resolve("cli-lou"));
        Cli lou = new Cli(dir.resolve("cli-lou/config.yaml"));
        lou.ok("config", "import", bundle.toString());
        assertTrue(lou.ok("logs", "server/box", "--file", appDir.resolve("app.log").toString()).contains("app line"));
        Processes.Result outside = lou.run("logs", "server/box", "--file", logs.resolve("system.log").toString());
        assertEquals(1, outside.exitCode(), outside.toString());
        assertTrue(outside.stderr().contains("outside"), outside.stderr());
        // the admin's built-in role has no log paths of its own: labd's default applies
        assertTrue(admin.ok("logs", "server/box", "--file", logs.resolve("system.log").toString()).contains("system line"));
    }

    @Test
    void theAgentsOwnLogIsThere() throws Exception {
        String own = admin.ok("logs", "agent/box", "-n", "500");
        assertTrue(own.contains("io.labctl"), own.length() > 2000 ? own.substring(0, 2000) : own);
    }

    static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                synchronized (out) {
                    out.write(buffer, 0, n);
                }
            }
        } catch (Exception e) {
            // the process ended
        }
    }

    static void awaitText(ByteArrayOutputStream out, String text) throws InterruptedException {
        Processes.await("'" + text + "' in the followed output", Duration.ofSeconds(30), () -> {
            synchronized (out) {
                return out.toString(StandardCharsets.UTF_8).contains(text);
            }
        });
    }
}
