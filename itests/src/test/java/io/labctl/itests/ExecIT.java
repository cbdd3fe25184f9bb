package io.labctl.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.labctl.itests.support.Agent;
import io.labctl.itests.support.Cli;
import io.labctl.itests.support.Labd;
import io.labctl.itests.support.Processes;
import io.labctl.protocol.Json;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.exec.RecordingInfo;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remote exec end to end: labd on its embedded PostgreSQL, one agent in its own JVM, the real CLI. Everything the
 * command does runs on this machine (the agent's), so the test can check files and process ids directly.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class ExecIT {
    @TempDir
    static Path dir;
    static Labd labd;
    static Cli admin;
    static Agent agent;

    @BeforeAll
    static void start() throws Exception {
        labd = Labd.install(dir.resolve("labd"), null);
        // session recording is off by default; this labd records, so the recording tests can read what was kept
        Files.writeString(labd.home.resolve("etc/io.labctl.exec.cfg"), "recordSessions = true\n");
        labd.start();
        Files.createDirectories(dir.resolve("cli"));
        admin = new Cli(dir.resolve("cli/config.yaml"));
        admin.ok("config", "import", labd.adminBundle().toString());
        admin.environments("lab:baremetal");
        String token = admin.ok("create", "token", "--server", "box", "--env", "lab", "--cloud", "baremetal").strip();
        agent = Agent.install(dir.resolve("agent"), "box", labd.url(), token).start();
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

    @Test
    void exitCodeAndStreamsComeBackApart() throws Exception {
        Processes.Result r = admin.run("exec", "server/box", "--", "sh", "-c", "echo out; echo err >&2; exit 3");
        assertEquals(3, r.exitCode(), r.toString());
        assertEquals("out\n", r.stdout());
        assertTrue(r.stderr().contains("err"), r.stderr());
        assertTrue(!r.stdout().contains("err"), "stderr kept out of stdout");
    }

    @Test
    void stdinIsPipedThroughAndBinaryOutputArrivesIntact() throws Exception {
        Path data = dir.resolve("data.bin");
        byte[] chunk = new byte[1 << 20];
        Random random = new Random(42);
        try (var out = Files.newOutputStream(data)) {
            for (int i = 0; i < 50; i++) {
                random.nextBytes(chunk);
                out.write(chunk);
            }
        }
        Path received = dir.resolve("received.bin");
        Processes.Result viaStdin = admin.runRedirected(data, received, Duration.ofMinutes(3), "exec", "-i", "server/box",
                "--", "cat");
        assertEquals(0, viaStdin.exitCode(), viaStdin.toString());
        assertEquals(sha256(data), sha256(received), "50 MiB through stdin and back, byte for byte");

        Path read = dir.resolve("read.bin");
        Processes.Result viaFile = admin.runRedirected(null, read, Duration.ofMinutes(3), "exec", "server/box", "--",
                "cat", data.toString());
        assertEquals(0, viaFile.exitCode(), viaFile.toString());
        assertEquals(sha256(data), sha256(read));
    }

    @Test
    void aTimeoutKillsTheWholeRemoteProcessTree() throws Exception {
        Path pids = dir.resolve("pids");
        Processes.Result r = admin.run("exec", "--timeout", "3s", "server/box", "--", "sh", "-c",
                "sleep 300 & echo $! >> " + pids + "; sleep 300 & echo $! >> " + pids + "; echo $$ >> " + pids + "; wait");
        assertEquals(124, r.exitCode(), r.toString());
        List<Long> started = Files.readAllLines(pids).stream().map(String::strip).map(Long::parseLong).toList();
        assertEquals(3, started.size(), started.toString());
        Processes.await("every process of the command gone", Duration.ofSeconds(15),
                () -> started.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
    }

    @Test
    void withoutExecPermissionItIsRefusedAndTheDenialIsAudited() throws Exception {
        Path bundle = dir.resolve("viewer.labctl.yaml");
        admin.ok("create", "user", "vic", "--out", bundle.toString());
        admin.ok("bind", "role", "viewer", "--user", "vic");
        Files.createDirectories(dir.resolve("cli-vic"));
        Cli vic = new Cli(dir.resolve("cli-vic/config.yaml"));
        vic.ok("config", "import", bundle.toString());
        Processes.Result r = vic.run("exec", "server/box", "--", "touch", dir.resolve("must-not-exist").toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("exec"), r.stderr());
        assertTrue(!Files.exists(dir.resolve("must-not-exist")), "the command did not run");
        List<AuditEntry> rows = Json.json().readValue(admin.ok("logs", "audit", "--user", "vic", "--action", "exec",
                "-o", "json"), new TypeReference<List<AuditEntry>>() {});
        assertTrue(rows.stream().anyMatch(e -> e.action().equals("exec.open") && e.result().equals("denied")), rows.toString());
    }

    @Test
    void aRecordedSessionKeepsItsOutputForAdminsOnly() throws Exception {
        Processes.Result r = admin.run("exec", "server/box", "--", "sh", "-c", "echo recorded-out; echo recorded-err >&2");
        assertEquals(0, r.exitCode(), r.toString());
        List<RecordingInfo> recordings = Json.json().readValue(admin.ok("get", "recordings", "-o", "json"),
                new TypeReference<List<RecordingInfo>>() {});
        RecordingInfo rec = recordings.stream().filter(x -> x.command().equals("sh -c echo recorded-out; echo recorded-err >&2"))
                .findFirst().orElseThrow(() -> new AssertionError(recordings.toString()));
        assertEquals("box", rec.server());
        assertEquals("admin", rec.user());
        String cast = admin.ok("logs", "recording/" + rec.id());
        assertTrue(cast.startsWith("{\"version\":2"), cast);
        assertTrue(cast.contains("recorded-out") && cast.contains("recorded-err"), cast);
        List<AuditEntry> rows = Json.json().readValue(admin.ok("logs", "audit", "--action", "exec.close", "-o", "json"),
                new TypeReference<List<AuditEntry>>() {});
        assertTrue(rows.stream().anyMatch(e -> e.resource().contains("[recording " + rec.id() + "]")), rows.toString());

        Path bundle = dir.resolve("rita.labctl.yaml");
        admin.ok("create", "user", "rita", "--out", bundle.toString());
        admin.ok("bind", "role", "viewer", "--user", "rita");
        Files.createDirectories(dir.resolve("cli-rita"));
        Cli rita = new Cli(dir.resolve("cli-rita/config.yaml"));
        rita.ok("config", "import", bundle.toString());
        Processes.Result denied = rita.run("logs", "recording/" + rec.id());
        assertEquals(1, denied.exitCode(), denied.toString());
        assertTrue(!denied.stdout().contains("recorded-out"));
        assertEquals(1, rita.run("get", "recordings").exitCode(), "reading recordings needs admin");
    }

    @Test
    void everySessionIsAnAuditRowWithTheCommandAndExitCode() throws Exception {
        admin.run("exec", "server/box", "--", "sh", "-c", "exit 7");
        List<AuditEntry> rows = Json.json().readValue(admin.ok("logs", "audit", "--user", "admin", "--action",
                "exec.close", "-o", "json"), new TypeReference<List<AuditEntry>>() {});
        assertTrue(rows.stream().anyMatch(e -> e.resource().contains("sh -c exit 7") && "exit 7".equals(e.error())
                && e.durationMs() != null), rows.toString());
    }

    /** exec.open rows of admin whose argv (the row's detail) parses; rows without a detail are left out. */
    static List<AuditEntry> openRows() throws Exception {
        List<AuditEntry> rows = Json.json().readValue(admin.ok("logs", "audit", "--user", "admin", "--action",
                "exec.open", "-o", "json"), new TypeReference<List<AuditEntry>>() {});
        return rows.stream().filter(e -> e.detail() != null).toList();
    }

    static List<String> argv(AuditEntry e) throws Exception {
        return Json.json().readValue(e.detail(), new TypeReference<List<String>>() {});
    }

    @Test
    void theWholeCommandIsAuditedBeforeItRunsHoweverItIsPadded() throws Exception {
        Path flag = dir.resolve("padded-may-end");
        // a payload behind 4000 spaces: a row cut at 1,024 characters would show only the padding
        String script = " ".repeat(4000) + "while [ ! -e " + flag + " ]; do sleep 0.1; done; echo hidden-payload";
        List<String> command = List.of("sh", "-c", script);
        var running = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return admin.run(concat(List.of("exec", "server/box", "--"), command));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            // the opening row is there, whole, while the command still runs (as it would be if labd died now)
            Processes.await("an exec.open row with the whole argv", Duration.ofSeconds(60), () -> {
                try {
                    for (AuditEntry e : openRows()) {
                        if (argv(e).equals(command)) {
                            return !e.detailCut() && "ok".equals(e.result());
                        }
                    }
                    return false;
                } catch (Exception e) {
                    return false;
                }
            });
            assertTrue(!running.isDone(), "the command was still running when its row was read");
        } finally {
            Files.writeString(flag, "");
        }
        Processes.Result r = running.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("hidden-payload\n", r.stdout());
        List<AuditEntry> closes = Json.json().readValue(admin.ok("logs", "audit", "--user", "admin", "--action",
                "exec.close", "-o", "json"), new TypeReference<List<AuditEntry>>() {});
        AuditEntry close = closes.stream().filter(e -> e.resource().startsWith("server/box: sh -c  ")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError(closes.toString()));
        assertEquals("exit 0", close.error(), "the closing row keeps the outcome");
        assertTrue(close.resource().endsWith("\u2026"), "a cut resource says so: " + close.resource().length());
        assertTrue(admin.ok("logs", "audit", "--verify").contains("intact"), "rows with an argv keep the chain intact");
    }

    @Test
    void anArgumentOver64KiBRunsAndTheAuditKeepsItsFirst64KiBAndTheHashOfTheWhole() throws Exception {
        String big = "x".repeat(100 * 1024);
        List<String> command = List.of("sh", "-c", "printf %s \"$1\" | wc -c", "sh", big);
        Processes.Result r = admin.run(concat(List.of("exec", "server/box", "--"), command));
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(String.valueOf(big.length()), r.stdout().strip(), "the agent ran the whole argument");
        String whole = Json.json().writeValueAsString(command);
        AuditEntry open = openRows().stream().filter(e -> e.detail().startsWith("[\"sh\",\"-c\",\"printf %s"))
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no exec.open row with the argv"));
        assertTrue(open.detailCut(), "an argv over 64 KiB is marked as cut");
        assertEquals(64 * 1024, open.detail().length(), "the first 64 KiB are kept");
        assertTrue(whole.startsWith(open.detail()));
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(whole.getBytes(java.nio.charset.StandardCharsets.UTF_8))), open.detailSha256());
    }

    @Test
    void anArgvOverTheLimitIsRefusedWithTheFix() throws Exception {
        // nine arguments of 120 KiB: over exec's 1 MiB, yet each within what Linux lets this test pass to labctl
        List<String> args = new java.util.ArrayList<>(List.of("exec", "server/box", "--", "echo"));
        for (int i = 0; i < 9; i++) {
            args.add("y".repeat(120 * 1024));
        }
        Processes.Result r = admin.run(args.toArray(String[]::new));
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("the limit is 1048576") && r.stderr().contains("sh -s < script.sh"), r.stderr());
        assertTrue(!r.stderr().contains("bug in labctl"), r.stderr());
    }

    static String[] concat(List<String> a, List<String> b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all.toArray(String[]::new);
    }

    /** A real local terminal for the CLI: util-linux script(1) runs it in a pseudo-terminal of a set size. */
    static Processes.Result inTerminal(String... args) throws Exception {
        String labctl = admin.shellLine(args);
        return Processes.run(dir, List.of("script", "-qec", "stty cols 101 rows 31; " + labctl, "/dev/null"),
                Duration.ofSeconds(60));
    }

    @Test
    void aTtyIsARealTerminalOfTheLocalSize() throws Exception {
        Processes.Result tty = inTerminal("exec", "-it", "server/box", "--", "tty");
        assertEquals(0, tty.exitCode(), tty.toString());
        assertTrue(tty.stdout().contains("/dev/pts/"), tty.stdout());
        Processes.Result size = inTerminal("exec", "-it", "server/box", "--", "stty", "size");
        assertEquals(0, size.exitCode(), size.toString());
        assertTrue(size.stdout().contains("31 101"), size.stdout());
    }

    /** An empty selector term (say, --selector "$A,$B" with both unset) is a usage error: nothing runs anywhere. */
    @Test
    void anEmptySelectorTermIsAUsageErrorAndNothingRuns() throws Exception {
        Path marker = dir.resolve("ran-despite-an-empty-selector-term");
        for (String selector : List.of(",", ",,", "name=box,", ",name=box", "env!=")) {
            Processes.Result r = admin.run("exec", "--selector", selector, "--", "touch", marker.toString());
            assertEquals(2, r.exitCode(), "'" + selector + "': " + r);
            assertTrue(r.stderr().startsWith("error: invalid selector: "), r.stderr());
            assertFalse(Files.exists(marker), "the command ran for the selector '" + selector + "'");
        }
        // labd refuses the same selectors from any client, rather than listing every server
        java.net.http.HttpResponse<String> listed = io.labctl.itests.support.Tls.client(labd.admin()).send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(labd.url() + "/api/v1/servers?selector=%2C"))
                        .GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(400, listed.statusCode(), listed.body());
        assertTrue(listed.body().contains("empty requirement"), listed.body());
    }

    @Test
    void fanOutRunsOnEveryMatchingServerAndListsTheOfflineOnes() throws Exception {
        // a second server in the same environment whose agent never connects
        admin.environments("lab:baremetal");
        String token = admin.ok("create", "token", "--server", "ghost", "--env", "lab", "--cloud", "baremetal").strip();
        java.security.KeyPair key = io.labctl.itests.support.Csrs.ecKey();
        byte[] body = Json.json().writeValueAsBytes(new io.labctl.protocol.EnrolRequest(token, "ghost",
                io.labctl.itests.support.Csrs.csr("ghost", key)));
        java.net.http.HttpResponse<String> enrolled = io.labctl.itests.support.Tls.anonymous(labd.admin()).send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(labd.url() + "/api/v1/enrol"))
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, enrolled.statusCode(), enrolled.body());

        Processes.Result r = admin.run("exec", "--selector", "env=lab", "--", "echo", "hi");
        assertEquals(1, r.exitCode(), "not every matched server ran: " + r);
        assertTrue(r.stdout().contains("box: hi"), r.stdout());
        assertTrue(r.stderr().contains("ghost") && r.stderr().contains("offline"), r.stderr());
        Processes.Result ok = admin.run("exec", "--selector", "name=box", "-o", "json", "--", "sh", "-c", "exit 0");
        assertEquals(0, ok.exitCode(), ok.toString());
        assertTrue(ok.stdout().contains("\"exitCode\" : 0") || ok.stdout().contains("\"exitCode\":0"), ok.stdout());
    }

    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
    void anAgentThatDropsMidStreamEndsTheCommandWithAClearError() throws Exception {
        Process cli = new ProcessBuilder(admin.command("exec", "server/box", "--", "sleep", "120"))
                .redirectErrorStream(true).start();
        Thread.sleep(3000); // the command is running on the agent
        agent.kill();
        boolean ended = cli.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
        String output = new String(cli.getInputStream().readAllBytes());
        assertTrue(ended, "labctl did not end after the agent dropped");
        assertEquals(1, cli.exitValue(), output);
        assertTrue(output.contains("connection to box ended"), output);
    }

    static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
