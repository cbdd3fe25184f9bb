package io.labctl.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.labctl.itests.support.Agent;
import io.labctl.itests.support.Cli;
import io.labctl.itests.support.Labd;
import io.labctl.itests.support.Processes;
import io.labctl.protocol.Json;
import io.labctl.protocol.access.AuditEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * labctl as the launcher runs it: the session client hands each command to the user's labctl session (a separate,
 * long-lived JVM it starts itself on first use), against a real labd and agent. The session's relay itself is
 * covered piece by piece in the cli module's SessionTest.
 */
class SessionIT {
    @TempDir
    static Path dir;
    static Labd labd;
    static Agent agent;
    static Cli oneShot;
    static Cli session;
    static Cli sessionDebug;
    static Path sessionDir;
    static Path logs;

    @BeforeAll
    static void start() throws Exception {
        logs = Files.createDirectories(dir.resolve("var-log"));
        labd = Labd.install(dir.resolve("labd"), null);
        // what 'logs --file' may read (instead of /var/log/**, which a test may not write)
        Files.writeString(labd.home.resolve("etc/io.labctl.rbac.cfg"), "defaultLogPaths = " + logs + "/**\n");
        labd.start();
        Files.createDirectories(dir.resolve("cli"));
        oneShot = new Cli(dir.resolve("cli/config.yaml"));
        oneShot.ok("config", "import", labd.adminBundle().toString());
        oneShot.environments("lab:baremetal");
        String token = oneShot.ok("create", "token", "--server", "box", "--env", "lab").strip();
        agent = Agent.install(dir.resolve("agent"), "box", labd.url(), token).start();
        agent.awaitOnline(oneShot, Duration.ofSeconds(90), labd.log());
        sessionDir = dir.resolve("session");
        session = oneShot.throughSession(sessionDir);
        sessionDebug = oneShot.throughSession(sessionDir, "LABCTL_DEBUG=1");
        // the first command finds no session: it runs itself and starts one for the next
        Processes.Result first = sessionDebug.run("get", "servers");
        assertEquals(0, first.exitCode(), first.toString());
        assertTrue(first.stderr().contains("starting one"), first.stderr());
        assertTrue(first.stdout().contains("box"), first.stdout());
        Processes.await("the session's socket", Duration.ofSeconds(60), () -> socket(sessionDir).isPresent());
    }

    @AfterAll
    static void stop() throws Exception {
        sessionPid(sessionDir).flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroy);
        for (AutoCloseable c : new AutoCloseable[] {agent, labd}) {
            if (c != null) {
                c.close();
            }
        }
    }

    static Optional<Path> socket(Path in) {
        try (Stream<Path> files = Files.list(in)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".sock")).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static Optional<Long> sessionPid(Path in) {
        try (Stream<Path> files = Files.list(in)) {
            Optional<Path> lock = files.filter(p -> p.getFileName().toString().endsWith(".lock")).findFirst();
            return lock.map(l -> {
                try {
                    return Long.parseLong(Files.readString(l).strip());
                } catch (IOException | NumberFormatException e) {
                    return -1L;
                }
            });
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Test
    void theSessionRunsTheCommandAndItsExitCodeAndStreamsComeBackApart() throws Exception {
        Processes.Result r = sessionDebug.run("exec", "server/box", "--", "sh", "-c", "echo out; echo err >&2; exit 3");
        assertEquals(3, r.exitCode(), r.toString());
        assertEquals("out\n", r.stdout());
        assertTrue(r.stderr().contains("err"), r.stderr());
        assertTrue(r.stderr().contains("the session runs this command"), r.stderr());
        Processes.Result refused = session.run("exec", "server/nosuch", "--", "true");
        assertEquals(1, refused.exitCode(), refused.toString());
        assertTrue(refused.stderr().contains("nosuch"), refused.stderr());
        Processes.Result usage = session.run("exec", "server/box");
        assertEquals(2, usage.exitCode(), usage.toString());
    }

    @Test
    void aLogThatTravelsCompressedIsInflatedByTheClientByteForByte() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            text.append("2026-11-26T12:").append(i % 60).append(":00Z box app[").append(i % 977)
                    .append("]: request ").append(i).append('\n');
        }
        Path file = Files.writeString(logs.resolve("app.log"), text);
        Path out = dir.resolve("app.out");
        Processes.Result r = sessionDebug.runRedirected(null, out, Duration.ofMinutes(1), "logs", "server/box",
                "--file", file.toString(), "-n", "1000000");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("the session runs this command"), r.stderr());
        assertEquals(-1, Files.mismatch(file, out), "the printed log differs from the file");
    }

    @Test
    void theSessionIsPrivateToItsUser() throws Exception {
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sessionDir)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket(sessionDir).orElseThrow())));
        ProcessHandle server = ProcessHandle.of(sessionPid(sessionDir).orElseThrow()).orElseThrow();
        assertTrue(server.info().arguments().map(a -> List.of(a).contains("io.labctl.cli.session.SessionServer"))
                .orElse(false), server.info().toString());
        assertEquals(ProcessHandle.current().info().user(), server.info().user());
    }

    @Test
    void stdinIsPipedThroughByteForByte() throws Exception {
        Path data = dir.resolve("in.bin");
        byte[] bytes = new byte[8 << 20];
        new Random(3).nextBytes(bytes);
        Files.write(data, bytes);
        Path out = dir.resolve("out.bin");
        Processes.Result r = session.runRedirected(data, out, Duration.ofMinutes(2), "exec", "-i", "server/box", "--", "cat");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(sha256(data), sha256(out));
    }

    @Test
    void aCommandThatDoesNotReadStdinLeavesItToTheNextOne() throws Exception {
        Path lines = Files.writeString(dir.resolve("lines.txt"), "web-1\nweb-2\n");
        String labctl = session.shellLine("get", "servers");
        Process p = new ProcessBuilder("sh", "-c", labctl + " > /dev/null; cat").redirectInput(lines.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals("web-1\nweb-2\n", out);
    }

    @Test
    void ctrlCStopsTheRemoteCommandAndExits130() throws Exception {
        Path pidFile = dir.resolve("remote.pid");
        Path err = dir.resolve("ctrl-c.err");
        Process p = new ProcessBuilder(sessionDebug.command("exec", "server/box", "--", "sh", "-c",
                "echo $$ > " + pidFile + "; exec sleep 300")).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(err.toFile()).start();
        try {
            Processes.await("the remote command started", Duration.ofSeconds(30),
                    () -> Files.exists(pidFile) && !readQuietly(pidFile).isBlank());
            long remote = Long.parseLong(readQuietly(pidFile).strip());
            // the premise: the session runs it (else the Ctrl-C below tests the one-shot path)
            Processes.await("the client's note that the session runs the command", Duration.ofSeconds(10),
                    () -> readQuietly(err).contains("the session runs this command"));
            // 'env' execs java: the client is p itself, as a terminal's Ctrl-C reaches it
            assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "labctl did not end after Ctrl-C; its stderr: "
                    + readQuietly(err) + "; the session's log: " + sessionLog());
            assertEquals(130, p.exitValue(), readQuietly(err));
            Processes.await("the remote process gone", Duration.ofSeconds(15),
                    () -> ProcessHandle.of(remote).map(h -> !h.isAlive()).orElse(true));
        } finally {
            p.destroyForcibly();
        }
    }

    /** The session's own log (its stderr), for failure messages. */
    static String sessionLog() {
        try (Stream<Path> files = Files.list(sessionDir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log")).map(SessionIT::readQuietly)
                    .reduce("", String::concat);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Test
    void everyInvocationIsAnAuditSessionOfItsOwn() throws Exception {
        for (int i = 0; i < 2; i++) {
            assertEquals(0, session.run("exec", "server/box", "--", "true").exitCode());
        }
        List<AuditEntry> rows = Json.json().readValue(oneShot.ok("logs", "audit", "--action", "exec.open", "-o", "json"),
                new TypeReference<List<AuditEntry>>() {});
        Set<String> sessions = rows.stream().map(AuditEntry::sessionId).collect(Collectors.toSet());
        assertTrue(rows.size() >= 2, rows.toString());
        assertEquals(rows.size(), sessions.size(), "one session id per invocation: " + rows);
    }

    @Test
    void aCommandOnTheLocalTerminalRunsInTheClient() throws Exception {
        String labctl = sessionDebug.shellLine("exec", "-t", "server/box", "--", "tty");
        Processes.Result r = Processes.run(dir, List.of("script", "-qec", labctl, "/dev/null"), Duration.ofSeconds(60));
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("/dev/pts/"), r.stdout());
        assertTrue(r.stdout().contains("hands this command back"), r.stdout());
    }

    @Test
    void aRelativeConfigIsTheCallersNotTheSessions() throws Exception {
        List<String> cmd = session.command("get", "servers");
        int at = cmd.indexOf("--config");
        cmd = new java.util.ArrayList<>(cmd);
        cmd.set(at + 1, "config.yaml");
        Processes.Result r = Processes.run(dir.resolve("cli"), cmd, Duration.ofSeconds(60));
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("box"), r.stdout());
    }

    @Test
    void anIdleSessionEndsAndTheNextCommandStartsAnother() throws Exception {
        Path idleDir = dir.resolve("idle-session");
        Cli idle = oneShot.throughSession(idleDir, "LABCTL_SESSION_IDLE=3s");
        assertEquals(0, idle.run("get", "servers").exitCode());
        Processes.await("a session", Duration.ofSeconds(60), () -> socket(idleDir).isPresent());
        long pid = sessionPid(idleDir).orElseThrow();
        Processes.await("the idle session gone", Duration.ofSeconds(60),
                () -> socket(idleDir).isEmpty() && ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
        assertEquals(0, idle.run("get", "servers").exitCode());
        Processes.await("a new session", Duration.ofSeconds(60), () -> socket(idleDir).isPresent());
        assertNotEquals(pid, sessionPid(idleDir).orElseThrow());
        sessionPid(idleDir).flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroy);
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    private static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }
}
