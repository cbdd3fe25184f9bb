package io.labctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.labctl.cli.exec.ExecStream;
import io.labctl.cli.testsupport.TestCli;
import io.labctl.cli.testsupport.TestExecLabd;
import io.labctl.cli.testsupport.TestPki;
import io.labctl.protocol.ApiError;
import io.labctl.protocol.Json;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.channel.Frame;
import io.labctl.protocol.channel.FrameType;
import io.labctl.protocol.exec.ExecRequest;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** labctl exec against a WebSocket test double of labd over real mutual TLS. */
class ExecCommandTest {
    @TempDir
    Path home;
    TestExecLabd labd;
    TestCli cli;

    @BeforeEach
    void start() throws Exception {
        labd = new TestExecLabd(TestPki.get());
        cli = new TestCli(home).withContext(TestPki.get(), labd.url());
    }

    @AfterEach
    void stop() throws Exception {
        labd.close();
        assertEquals(List.of(), labd.problems, "the CLI broke the protocol or a script failed");
    }

    @Test
    void exitCodePassesThroughAndStdoutStderrStayApart() throws Exception {
        labd.agent("web-1", peer -> {
            peer.request();
            peer.stdout("hello\n");
            peer.stderr("oops\n");
            peer.stdout("world\n");
            peer.exit(3);
        });
        TestCli.Result r = cli.run("exec", "server/web-1", "--", "sh", "-c", "echo hello; echo oops >&2; exit 3");
        assertEquals(3, r.code(), r.toString());
        assertEquals("hello\nworld\n", r.out());
        assertEquals("oops\n", r.err());
        TestExecLabd.Peer peer = labd.peer("web-1");
        Frame open = peer.received.get(0);
        assertEquals(FrameType.OPEN, open.type());
        assertEquals(1, open.stream());
        assertEquals(List.of("sh", "-c", "echo hello; echo oops >&2; exit 3"), peer.request().command());
        assertFalse(peer.request().tty());
        assertEquals(ExecStream.OUTPUT_WINDOW, peer.open().credit());
        assertEquals("exec", peer.open().kind());
        assertEquals(r.session(), labd.upgrades.get(0).session());
    }

    @Test
    void zeroAndNameWithoutType() {
        labd.agent("web-1", peer -> peer.exit(0));
        TestCli.Result r = cli.run("exec", "web-1", "--", "true");
        assertEquals(0, r.code(), r.toString());
        assertEquals("", r.out());
        assertEquals("", r.err());
        assertEquals(0, cli.run("exec", "server", "web-1", "--", "true").code());
    }

    @Test
    void stdinIsForwardedWithinCreditAndClosed() {
        byte[] input = "line of input\n".repeat(10_000).getBytes(StandardCharsets.UTF_8);  // 140 kB
        AtomicLong beforeCredit = new AtomicLong(-1);
        labd.agent("web-1", peer -> {
            peer.request();
            Thread.sleep(300);  // stdin credit starts at 0: nothing may arrive yet
            beforeCredit.set(peer.stdinReceived());
            byte[] got = peer.readStdin(1000);  // the double fails the test if more than granted arrives
            peer.stdout(new String(got, StandardCharsets.UTF_8));
            peer.exit(0);
        });
        cli.stdin = new ByteArrayInputStream(input);
        TestCli.Result r = cli.run("exec", "server/web-1", "--", "cat");
        assertEquals(0, r.code(), r.err());
        assertEquals(0, beforeCredit.get());
        assertEquals(new String(input, StandardCharsets.UTF_8), r.out());
        TestExecLabd.Peer peer = labd.peer("web-1");
        for (Frame f : peer.received(FrameType.DATA)) {
            assertTrue(f.payload().length - 1 <= 1000, "a STDIN frame larger than the credit");
        }
        assertTrue(peer.stdinClosed());
        List<Frame> closes = peer.received(FrameType.CLOSE);
        assertEquals(1, closes.size());
    }

    @Test
    void terminalStdinIsNotForwardedWithoutDashI() {
        labd.agent("web-1", peer -> {
            peer.request();
            peer.grantStdin(1000);
            byte[] got = peer.readStdin(1000);
            peer.stdout("got " + got.length + "\n");
            peer.exit(0);
        });
        cli.stdin = new ByteArrayInputStream("typed\n".getBytes(StandardCharsets.UTF_8));
        cli.stdinIsTerminal = true;
        TestCli.Result r = cli.run("exec", "server/web-1", "--", "cat");
        assertEquals("got 0\n", r.out(), r.toString());
        cli.stdin = new ByteArrayInputStream("typed\n".getBytes(StandardCharsets.UTF_8));
        TestCli.Result withI = cli.run("exec", "-i", "server/web-1", "--", "cat");
        assertEquals("got 6\n", withI.out(), withI.toString());
    }

    @Test
    void outputBeyondTheInitialWindowNeedsTheCliToGrantCredit() {
        byte[] big = "0123456789abcdef".repeat(65_536).getBytes(StandardCharsets.UTF_8);  // 1 MiB
        labd.agent("web-1", peer -> {
            peer.request();
            peer.output(ExecRequest.STDOUT, big);  // blocks unless the CLI grants credit back
            peer.exit(0);
        });
        TestCli.Result r = cli.run("exec", "server/web-1", "--", "cat", "/big");
        assertEquals(0, r.code(), r.err());
        assertEquals(big.length, r.out().length());
        long granted = 0;
        for (Frame f : labd.peer("web-1").received(FrameType.CREDIT)) {
            granted += ByteBuffer.wrap(f.payload()).getInt();
        }
        assertTrue(granted >= big.length - ExecStream.OUTPUT_WINDOW, "granted " + granted);
        assertTrue(granted <= big.length, "granted more than it consumed: " + granted);
    }

    @Test
    void timeoutSendsErrorTimeoutAndExits124() {
        labd.agent("web-1", peer -> {
            peer.request();
            peer.stdout("working\n");
            if (peer.awaitError(10_000) != null) {
                peer.stderr("Terminated\n");
                peer.exit(143);
            }
        });
        // long enough for the stream to open and its first output to arrive on a loaded machine
        TestCli.Result r = cli.run("exec", "--timeout", "2s", "server/web-1", "--", "sleep", "100");
        assertEquals(124, r.code(), r.toString());
        assertEquals("working\n", r.out());
        // the agent's last words after the timeout are shown: the CLI waited for the stream's end
        assertTrue(r.err().startsWith("Terminated\nerror: timed out after 2s; asked labd to stop 'sleep 100' on server/web-1"),
                r.err());
        assertEquals(ExecRequest.TIMEOUT, labd.peer("web-1").errors.get(0).code());
    }

    @Test
    void timeoutEndsEvenIfLabdIgnoresTheStop() {
        labd.agent("web-1", peer -> {
            peer.request();
            peer.awaitSocketClosed(20_000);
        });
        long start = System.nanoTime();
        TestCli.Result r = cli.run("exec", "--timeout", "1s", "server/web-1", "--", "sleep", "100");
        assertEquals(124, r.code(), r.toString());
        long took = (System.nanoTime() - start) / 1_000_000;
        // the timeout plus the grace, not the 20 s this labd would hold the stream for
        assertTrue(took < 15_000, "took " + took + " ms");
        assertEquals(ExecRequest.TIMEOUT, labd.peer("web-1").errors.get(0).code());
    }

    @Test
    void droppedConnectionIs255WithAClearMessage() {
        labd.agent("web-1", peer -> {
            peer.request();
            peer.stdout("partial\n");
            Thread.sleep(100);
            peer.drop();
        });
        long start = System.nanoTime();
        TestCli.Result r = cli.run("exec", "server/web-1", "--", "sleep", "100");
        assertEquals(255, r.code(), r.toString());
        assertEquals("partial\n", r.out());
        assertTrue(r.err().startsWith("error: lost the connection to labd while running 'sleep 100' on server/web-1"),
                r.err());
        assertTrue(System.nanoTime() - start < 30_000_000_000L, "ended at the drop, not at the command's end");
    }

    @Test
    void aBrokenStdoutStopsTheRemoteCommandOverARealSocket() throws Exception {
        labd.agent("web-1", peer -> {
            peer.request();
            peer.stdout("x\n");
            peer.awaitSocketClosed(5_000);
        });
        cli.stdoutBytes = LogsCommandTest.failing("Broken pipe");
        TestCli.Result r = cli.run("exec", "server/web-1", "--", "yes");
        assertEquals(255, r.code(), r.toString());
        assertTrue(r.err().contains("Broken pipe; asked labd to stop the command"), r.err());
        // the ERROR must leave before the socket is let go, or the command would run on unseen
        assertEquals(ExecRequest.CANCELLED, labd.peer("web-1").awaitError(5_000));
    }

    @Test
    void refusedUpgradeIsExit1WithLabdsMessage() {
        labd.refuse("web-1", 403, new ApiError("forbidden", "admin may not exec on server/web-1; ask for exec:*:lab:web-1", "r-1"));
        TestCli.Result r = cli.run("exec", "server/web-1", "--", "id");
        assertEquals(1, r.code(), r.toString());
        assertEquals("error: admin may not exec on server/web-1; ask for exec:*:lab:web-1\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void unknownServerIsExit1() {
        TestCli.Result r = cli.run("exec", "server/nope", "--", "id");
        assertEquals(1, r.code(), r.toString());
        assertEquals("error: server 'nope' does not exist\n", r.err());
    }

    @Test
    void errorFrameIsExit1WithItsMessage() {
        labd.agent("web-1", peer -> {
            peer.request();
            peer.error("command-not-found", "nosuch: command not found on server/web-1");
        });
        TestCli.Result r = cli.run("exec", "server/web-1", "--", "nosuch");
        assertEquals(1, r.code(), r.toString());
        assertEquals("error: nosuch: command not found on server/web-1\n", r.err());
    }

    @Test
    void atSignArgumentsReachTheCommandAsWritten(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("args"), "EXPANDED");
        labd.agent("web-1", peer -> {
            peer.stdout(String.join(" ", peer.request().command()) + "\n");
            peer.exit(0);
        });
        TestCli.Result r = cli.run("exec", "server/web-1", "--", "echo", "@" + file, "--", "-t");
        assertEquals("echo @" + file + " -- -t\n", r.out(), r.toString());
    }

    @Test
    void ttyWithoutATerminalRunsWithoutOneAndSaysSo() {
        labd.agent("web-1", peer -> {
            ExecRequest req = peer.request();
            peer.stdout("tty=" + req.tty() + "\n");
            peer.exit(0);
        });
        TestCli.Result r = cli.run("exec", "-it", "server/web-1", "--", "bash");
        assertEquals(0, r.code(), r.toString());
        assertEquals("tty=false\n", r.out());
        assertEquals("warning: stdin is not a terminal; running without a pseudo-terminal\n", r.err());
    }

    @Test
    void labdDownIs255() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        TestCli.Result r = new TestCli(home).withContext(TestPki.get(), "https://127.0.0.1:" + port)
                .run("exec", "server/web-1", "--", "id");
        assertEquals(255, r.code(), r.toString());
        assertTrue(r.err().startsWith("error: cannot connect to labd at https://127.0.0.1:" + port), r.err());
    }

    @Test
    void refusalWithoutABodySaysTheStatus() {
        labd.refuse("web-1", 503, null);
        TestCli.Result r = cli.run("exec", "server/web-1", "--", "id");
        assertEquals(1, r.code(), r.toString());
        assertEquals("error: labd answered HTTP 503\n", r.err());
    }

    @Test
    void usageErrorsAreExit2BeforeAnyRequest() {
        String[][] cases = {
                {"exec", "server/web-1", "uname"},
                {"exec", "server/web-1", "--"},
                {"exec", "--", "uname"},
                {"exec", "server/web-1", "server/web-2", "--", "uname"},
                {"exec", "server/Web_1", "--", "uname"},
                {"exec", "token/x", "--", "uname"},
                {"exec", "--timeout", "soon", "server/web-1", "--", "uname"},
                {"exec", "--timeout", "0s", "server/web-1", "--", "uname"},
                {"exec", "-l", "env=lab,=x", "--", "uname"},
                {"exec", "-l", "", "--", "uname"},
                {"exec", "-l", "env=lab", "--batch", "0", "--", "uname"},
                {"exec", "-l", "env=lab", "--batch", "150%", "--", "uname"},
                {"exec", "-l", "env=lab", "--batch", "x", "--", "uname"},
                {"exec", "-l", "env=lab", "server/web-1", "--", "uname"},
                {"exec", "-l", "env=lab", "-t", "--", "uname"},
                {"exec", "-l", "env=lab", "-o", "yaml", "--", "uname"},
                {"exec", "-o", "json", "server/web-1", "--", "uname"},
                {"exec", "--batch", "2", "server/web-1", "--", "uname"},
        };
        for (String[] args : cases) {
            TestCli.Result r = cli.run(args);
            assertEquals(2, r.code(), String.join(" ", args) + "\n" + r);
            assertTrue(r.err().startsWith("error: "), r.err());
        }
        assertEquals(List.of(), labd.upgrades);
        assertEquals(List.of(), labd.restQueries);
        assertTrue(cli.run("exec", "server/web-1", "uname").err().contains("missing '--' before the command"));
        assertTrue(cli.run("exec", "server/web-1", "--").err().contains("missing the command after '--'"));
    }

    @Test
    void helpDocumentsExitCodesAndExamples() {
        TestCli.Result r = cli.run("exec", "--help");
        assertEquals(0, r.code());
        for (String s : List.of("Exit codes:", "124", "130", "255", "--selector", "--batch", "--timeout", "-it",
                "labctl exec server/web-1 -- uname -a")) {
            assertTrue(r.out().contains(s), s + " in\n" + r.out());
        }
        assertTrue(cli.run("completion", "bash").out().contains("exec"));
        assertTrue(cli.run("--help").out().contains("exec"));
    }

    // ---- fan-out

    static ServerInfo server(String name, String status) {
        return new ServerInfo("id-" + name, name, "baremetal", "lab", "worker", Map.of(), status, TestCli.NOW, TestCli.NOW,
                null, null, null);
    }

    @Test
    void fanOutPrefixesLinesSummarisesAndFailsIfAnyServerFailed() {
        labd.servers(List.of(server("web-1", "online"), server("web-2", "online"), server("db-1", "offline"),
                server("sec-1", "online")));
        labd.agent("web-1", peer -> {
            peer.request();
            peer.stdout("up 1 day\nload 0.1");  // the last line has no newline
            peer.exit(0);
        });
        labd.agent("web-2", peer -> {
            peer.request();
            peer.stderr("disk full\n");
            peer.exit(2);
        });
        labd.refuse("sec-1", 403, new ApiError("forbidden", "admin may not exec on server/sec-1", "r"));
        TestCli.Result r = cli.run("exec", "-l", "env=lab", "--", "uptime");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.out().contains("web-1: up 1 day\nweb-1: load 0.1\n"), r.out());
        assertFalse(r.out().contains("disk full"), r.out());
        assertTrue(r.err().contains("web-2: disk full\n"), r.err());
        assertTrue(r.err().contains("sec-1: denied: admin may not exec on server/sec-1\n"), r.err());
        assertTrue(r.err().endsWith("""
                NAME    STATUS    EXIT
                web-1   ok        0
                web-2   failed    2
                db-1    offline   -
                sec-1   denied    -
                """), r.err());
        assertEquals(List.of("GET /api/v1/servers?selector=env%3Dlab"), labd.restQueries);
        assertTrue(labd.upgrades.stream().noneMatch(u -> u.server().equals("db-1")), "waited on an offline server");
    }

    @Test
    void fanOutIsExit0OnlyWhenEveryServerExited0() {
        labd.servers(List.of(server("web-1", "online"), server("web-2", "online")));
        labd.agent("web-1", peer -> peer.exit(0));
        labd.agent("web-2", peer -> peer.exit(0));
        TestCli.Result r = cli.run("exec", "-l", "role=worker", "--", "true");
        assertEquals(0, r.code(), r.toString());
        labd.servers(List.of(server("web-1", "online"), server("db-1", "never-connected")));
        assertEquals(1, cli.run("exec", "-l", "role=worker", "--", "true").code());
    }

    @Test
    void fanOutJson() throws Exception {
        labd.servers(List.of(server("web-1", "online"), server("web-2", "online"), server("db-1", "offline")));
        labd.agent("web-1", peer -> {
            peer.request();
            peer.stdout("a\n");
            peer.stderr("b\n");
            peer.exit(0);
        });
        labd.agent("web-2", peer -> {
            peer.request();
            peer.error("capability-not-installed", "server/web-2 does not have the exec capability installed");
        });
        TestCli.Result r = cli.run("exec", "-l", "env=lab", "-o", "json", "--", "hostname");
        assertEquals(1, r.code(), r.toString());
        assertEquals("", r.err());
        JsonNode a = Json.json().readTree(r.out());
        assertEquals(3, a.size());
        JsonNode web1 = a.get(0);
        assertEquals("web-1", web1.get("server").asText());
        assertEquals("ok", web1.get("status").asText());
        assertEquals(0, web1.get("exitCode").asInt());
        assertEquals("a\n", web1.get("stdout").asText());
        assertEquals("b\n", web1.get("stderr").asText());
        assertTrue(web1.get("error").isNull());
        JsonNode web2 = a.get(1);
        assertEquals("error", web2.get("status").asText());
        assertTrue(web2.get("exitCode").isNull());
        assertEquals("server/web-2 does not have the exec capability installed", web2.get("error").asText());
        JsonNode db1 = a.get(2);
        assertEquals("offline", db1.get("status").asText());
        assertTrue(db1.has("stdout"));
    }

    @Test
    void fanOutWithNoMatchIsExit1() {
        labd.servers(List.of());
        TestCli.Result r = cli.run("exec", "-l", "env=nowhere", "--", "true");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().startsWith("error: no servers match the selector 'env=nowhere'"), r.err());
        assertTrue(labd.upgrades.isEmpty());
    }

    @Test
    void fanOutBatchLimitsParallelStreams() {
        List<ServerInfo> servers = List.of(server("w-1", "online"), server("w-2", "online"), server("w-3", "online"),
                server("w-4", "online"));
        labd.servers(servers);
        AtomicInteger now = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        // each stream waits (a while at most) until as many as the batch allows run together: overlap by design,
        // not by luck on a loaded machine; more than the batch at once would show in "most"
        AtomicInteger batch = new AtomicInteger();
        for (ServerInfo s : servers) {
            labd.agent(s.name(), peer -> {
                peer.request();
                most.accumulateAndGet(now.incrementAndGet(), Math::max);
                long until = System.nanoTime() + 5_000_000_000L;
                while (now.get() < batch.get() && System.nanoTime() < until) {
                    Thread.sleep(10);
                }
                Thread.sleep(50);
                now.decrementAndGet();
                peer.exit(0);
            });
        }
        batch.set(1);
        assertEquals(0, cli.run("exec", "-l", "role=worker", "--batch", "1", "--", "true").code());
        assertEquals(1, most.get());
        most.set(0);
        batch.set(2);
        assertEquals(0, cli.run("exec", "-l", "role=worker", "--batch", "50%", "--", "true").code());
        assertEquals(2, most.get());
        most.set(0);
        batch.set(4);
        assertEquals(0, cli.run("exec", "-l", "role=worker", "--", "true").code());
        assertEquals(4, most.get());
    }

    @Test
    void fanOutTimeoutMarksTheServerFailed() {
        labd.servers(List.of(server("web-1", "online")));
        labd.agent("web-1", peer -> {
            peer.request();
            if (peer.awaitError(10_000) != null) {
                peer.exit(143);
            }
        });
        TestCli.Result r = cli.run("exec", "-l", "env=lab", "--timeout", "2s", "--", "sleep", "9");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("web-1: error: timed out after 2s"), r.err());
        assertTrue(r.err().contains("web-1   failed   -"), r.err());
        assertEquals(ExecRequest.TIMEOUT, labd.peer("web-1").errors.get(0).code());
    }
}
