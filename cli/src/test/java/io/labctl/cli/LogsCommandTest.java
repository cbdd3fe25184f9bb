package io.labctl.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.cli.exec.Interrupts;
import io.labctl.cli.exec.ExecStream;
import io.labctl.cli.testsupport.TestCli;
import io.labctl.cli.testsupport.TestExecLabd;
import io.labctl.cli.testsupport.TestPki;
import io.labctl.protocol.ApiError;
import io.labctl.protocol.channel.Frame;
import io.labctl.protocol.channel.FrameType;
import io.labctl.protocol.logs.LogsRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** labctl logs server/NAME and agent/NAME against the WebSocket test double of labd over real mutual TLS. */
class LogsCommandTest {
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
    void journalFiltersTravelAsTheContractsParams() throws Exception {
        labd.agent("web-1", peer -> {
            peer.logsRequest();
            peer.log("Jun 01 11:30:00 web-1 nginx[42]: worker exited\n");
            peer.exit(0);
        });
        TestCli.Result r = cli.run("logs", "server/web-1", "-u", "nginx.service", "-p", "ERR", "--since", "1h ago",
                "-n", "100");
        assertEquals(0, r.code(), r.toString());
        assertEquals("Jun 01 11:30:00 web-1 nginx[42]: worker exited\n", r.out());
        assertEquals("", r.err());

        TestExecLabd.Peer peer = labd.peer("web-1");
        assertEquals(TestExecLabd.LOGS, peer.path);
        assertEquals(new TestExecLabd.Upgrade(TestExecLabd.LOGS, "web-1", r.session()), labd.upgrades.get(0));
        assertEquals("logs", peer.open().kind());
        assertEquals(ExecStream.OUTPUT_WINDOW, peer.open().credit());
        Map<String, Object> params = peer.open().params();
        assertFalse(params.containsKey("allow"), "the CLI must leave allow to labd: " + params);
        assertEquals("journal", params.get("source"));
        assertEquals("nginx.service", params.get("unit"));
        assertEquals("err", params.get("priority"));
        assertEquals("2025-06-01T11:00:00Z", params.get("since"));  // TestCli's clock is 12:00Z
        assertEquals(100, params.get("lines"));
        assertEquals(false, params.get("follow"));
        assertEquals(false, params.get("kernel"));
        assertNull(params.get("path"));
        // no input: OPEN is followed by CLOSE at once, and nothing else is sent but CREDIT
        assertEquals(FrameType.OPEN, peer.received.get(0).type());
        assertEquals(FrameType.CLOSE, peer.received.get(1).type());
        assertEquals(List.of(), peer.received(FrameType.DATA));
    }

    @Test
    void sinceAsAnIsoTimeKernelAndDefaults() throws Exception {
        labd.agent("web-1", peer -> peer.exit(0));
        assertEquals(0, cli.run("logs", "server/web-1", "-k", "--since", "2025-05-31T22:15:00+02:00").code());
        LogsRequest q = labd.peers.get(0).logsRequest();
        assertEquals(new LogsRequest("journal", false, null, null, Instant.parse("2025-05-31T20:15:00Z"), null, true,
                null, List.of(), LogsRequest.DEFLATE), q);

        assertEquals(0, cli.run("logs", "server", "web-1").code());
        assertEquals(new LogsRequest("journal", false, null, null, null, null, false, null, List.of(),
                LogsRequest.DEFLATE), labd.peers.get(1).logsRequest());
    }

    @Test
    void fileSourceSendsThePath() throws Exception {
        labd.agent("web-1", peer -> {
            peer.log("GET / 200\n");
            peer.exit(0);
        });
        TestCli.Result r = cli.run("logs", "server/web-1", "--file", "/var/log/nginx/access.log", "-n", "5",
                "--since", "2025-05-31");
        assertEquals(0, r.code(), r.toString());
        assertEquals("GET / 200\n", r.out());
        LogsRequest q = labd.peer("web-1").logsRequest();
        assertEquals("file", q.source());
        assertEquals("/var/log/nginx/access.log", q.path());
        assertEquals(5, q.lines());
        assertEquals(Instant.parse("2025-05-31T00:00:00Z"), q.since());
        assertNull(q.unit());
        assertFalse(labd.peer("web-1").open().params().containsKey("allow"));
    }

    @Test
    void aDeflatedLogIsPrintedDecodedAndPlainDataStillWorksAfterIt() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 50_000; i++) {
            text.append("2026-11-26T12:00:00Z web-1 nginx[42]: GET /items/").append(i % 311).append(" 200\n");
        }
        byte[] log = text.toString().getBytes(StandardCharsets.UTF_8);  // about 2.6 MB: more than the 1 MiB window
        long[] onTheWire = {0};
        labd.agent("web-1", peer -> {
            onTheWire[0] += peer.logDeflated(Arrays.copyOfRange(log, 0, log.length / 2));
            onTheWire[0] += peer.logDeflated(Arrays.copyOfRange(log, log.length / 2, log.length));
            peer.log("a plain tail\n");
            peer.exit(0);
        });
        TestCli.Result r = cli.run("logs", "server/web-1", "--file", "/var/log/nginx/access.log", "-n", "0");
        assertEquals(0, r.code(), r.toString());
        assertEquals(text + "a plain tail\n", r.out());
        assertTrue(onTheWire[0] * 4 < log.length, onTheWire[0] + " bytes on the wire for " + log.length);
    }

    @Test
    void noCompressAsksForThePlainLog() throws Exception {
        labd.agent("web-1", peer -> peer.exit(0));
        assertEquals(0, cli.run("logs", "server/web-1", "--no-compress").code());
        assertNull(labd.peers.get(0).logsRequest().compression());
        assertEquals(0, cli.run("logs", "server/web-1", "--compress").code());
        assertEquals(LogsRequest.DEFLATE, labd.peers.get(1).logsRequest().compression());
    }

    @Test
    void undecodableDeflatedBytesEndTheReadWithAProtocolError() throws Exception {
        labd.agent("web-1", peer -> {
            peer.send(new Frame(FrameType.DEFLATED, 1, new byte[] {(byte) 0xff, 1, 2, 3}));
            // no CLOSE from here: the CLI hangs up on the bad frame, and a CLOSE would race its hang-up
            peer.awaitSocketClosed(5_000);
        });
        TestCli.Result r = cli.run("logs", "server/web-1");
        assertEquals(255, r.code(), r.toString());
        assertTrue(r.err().contains("DEFLATED data does not decode"), r.err());
        assertTrue(labd.peer("web-1").awaitSocketClosed(5_000), "the CLI kept the connection after a protocol error");
    }

    @Test
    void agentLogIsSourceAgent() throws Exception {
        labd.agent("web-1", peer -> {
            peer.log("agent started\n");
            peer.exit(0);
        });
        TestCli.Result r = cli.run("logs", "agent/web-1", "-n", "20");
        assertEquals(0, r.code(), r.toString());
        assertEquals("agent started\n", r.out());
        LogsRequest q = labd.peer("web-1").logsRequest();
        assertEquals(new LogsRequest("agent", false, 20, null, null, null, false, null, List.of(), LogsRequest.DEFLATE),
                q);
        assertEquals(TestExecLabd.LOGS, labd.upgrades.get(0).path());
        assertEquals("web-1", labd.upgrades.get(0).server());
    }

    @Test
    void rawBytesPassThroughUnchangedAcrossFramesAndCredit() {
        Random random = new Random(42);
        byte[] big = new byte[700 * 1024];  // well beyond the first window: the CLI must grant credit back
        random.nextBytes(big);
        byte[] head = {(byte) 0xff, (byte) 0xfe, 0, '\r', '\n', 0x1b, '[', '3', '1', 'm', (byte) 0xe2, (byte) 0x82};
        byte[] tail = {(byte) 0xac, '\n'};  // the rest of a '€' split across frames
        labd.agent("web-1", peer -> {
            peer.log(head);
            peer.log(tail);
            peer.log(big);
            peer.exit(0);
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        cli.stdoutBytes = out;
        TestCli.Result r = cli.run("logs", "server/web-1", "--file", "/var/log/app.bin");
        assertEquals(0, r.code(), r.toString());
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(head);
        expected.writeBytes(tail);
        expected.writeBytes(big);
        assertArrayEquals(expected.toByteArray(), out.toByteArray());
    }

    @Test
    void followPrintsAsItArrivesAndEndsWhenLabdEndsTheStream() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();  // synchronized: the script reads it meanwhile
        AtomicReference<String> seenBeforeTheEnd = new AtomicReference<>();
        labd.agent("web-1", peer -> {
            peer.log("first\n");
            long until = System.currentTimeMillis() + 5_000;
            while (!out.toString(StandardCharsets.UTF_8).contains("first") && System.currentTimeMillis() < until) {
                Thread.sleep(10);
            }
            seenBeforeTheEnd.set(out.toString(StandardCharsets.UTF_8));
            peer.log("second\n");
            peer.exit(0);  // e.g. the agent restarted: the server ends a followed stream
        });
        cli.stdoutBytes = out;
        TestCli.Result r = cli.run("logs", "server/web-1", "-f", "-u", "nginx");
        assertEquals(0, r.code(), r.toString());
        assertEquals("first\n", seenBeforeTheEnd.get(), "stdout was not flushed while following");
        assertEquals("first\nsecond\n", out.toString(StandardCharsets.UTF_8));
        assertTrue(labd.peer("web-1").logsRequest().follow());
    }

    @Test
    void ctrlCWhileFollowingSendsErrorCancelledAndExits130() throws Exception {
        AtomicReference<String> stop = new AtomicReference<>();
        labd.agent("web-1", peer -> {
            peer.logsRequest();
            peer.log("tick\n");
            Interrupts.pressCtrlC();
            stop.set(peer.awaitError(5_000));
            peer.exit(0);
        });
        long start = System.nanoTime();
        TestCli.Result r = cli.run("logs", "agent/web-1", "-f");
        assertEquals(130, r.code(), r.toString());
        assertEquals("tick\n", r.out());
        assertEquals("", r.err());
        assertEquals("cancelled", stop.get());
        assertTrue(labd.peer("web-1").logsRequest().follow());
        assertEquals("agent", labd.peer("web-1").logsRequest().source());
        assertTrue(System.nanoTime() - start < 3_000_000_000L, "waited for the grace period although the stream ended");
    }

    @Test
    void ctrlCEndsEvenIfLabdIgnoresTheStop() throws Exception {
        labd.agent("web-1", peer -> {
            peer.logsRequest();
            Interrupts.pressCtrlC();
            peer.awaitSocketClosed(20_000);
        });
        long start = System.nanoTime();
        TestCli.Result r = cli.run("logs", "server/web-1", "-f");
        assertEquals(130, r.code(), r.toString());
        assertTrue((System.nanoTime() - start) / 1_000_000 < 8_000);
        assertEquals("cancelled", labd.peer("web-1").errors.get(0).code());
    }

    /** stdout that fails every write with this message, as a closed pipe or a full disk would. */
    static OutputStream failing(String message) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException(message);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException(message);
            }
        };
    }

    @Test
    void aReaderThatStopsReadingEndsAFollowQuietly() throws Exception {
        labd.agent("web-1", peer -> {
            peer.log("one\n");
            peer.awaitSocketClosed(5_000);
        });
        cli.stdoutBytes = failing("Broken pipe");  // '| head -1' has exited
        TestCli.Result r = cli.run("logs", "server/web-1", "-f");
        assertEquals(0, r.code(), r.toString());
        assertEquals("", r.err());
        // the socket still works, so the stop must reach labd before the CLI lets go of it
        assertEquals("cancelled", labd.peer("web-1").awaitError(5_000), "labd was not asked to stop following");
        assertTrue(labd.peer("web-1").awaitSocketClosed(5_000));
    }

    @Test
    void anOutputThatCannotBeWrittenIs255() throws Exception {
        labd.agent("web-1", peer -> {
            peer.log("one\n");
            peer.awaitSocketClosed(5_000);
        });
        cli.stdoutBytes = failing("No space left on device");
        TestCli.Result r = cli.run("logs", "server/web-1", "--file", "/var/log/big.log");
        assertEquals(255, r.code(), r.toString());
        assertTrue(r.err().startsWith("error: cannot write the output of /var/log/big.log on server/web-1: No space left"
                + " on device; asked labd to stop reading it"), r.err());
        assertEquals("cancelled", labd.peer("web-1").awaitError(5_000));
    }

    @Test
    void pathNotAllowedIsExit1WithLabdsMessage() {
        labd.agent("web-1", peer -> {
            peer.logsRequest();
            peer.error("path-not-allowed", "alice may not read /etc/shadow on server/web-1; allowed: /var/log/**");
        });
        TestCli.Result r = cli.run("logs", "server/web-1", "--file", "/etc/shadow");
        assertEquals(1, r.code(), r.toString());
        assertEquals("", r.out());
        assertEquals("error: alice may not read /etc/shadow on server/web-1; allowed: /var/log/**\n", r.err());
    }

    @Test
    void errorWhileFollowingIsExit1() {
        labd.agent("web-1", peer -> {
            peer.log("a\n");
            peer.error("journal-failed", "journalctl exited with 1: Failed to open journal");
        });
        TestCli.Result r = cli.run("logs", "server/web-1", "-f");
        assertEquals(1, r.code(), r.toString());
        assertEquals("a\n", r.out());
        assertEquals("error: journalctl exited with 1: Failed to open journal\n", r.err());
    }

    @Test
    void nonZeroCloseIsExit1() {
        labd.agent("web-1", peer -> peer.exit(1));
        TestCli.Result r = cli.run("logs", "server/web-1", "-u", "nginx");
        assertEquals(1, r.code(), r.toString());
        assertEquals("error: reading the journal of server/web-1 failed on the server (exit code 1)\n", r.err());
    }

    @Test
    void refusedUpgradeIsExit1() {
        labd.refuse("web-1", 503, new ApiError("server-offline", "server/web-1 is offline (last seen 5m ago)", "r"));
        TestCli.Result r = cli.run("logs", "server/web-1");
        assertEquals(1, r.code(), r.toString());
        assertEquals("error: server/web-1 is offline (last seen 5m ago)\n", r.err());
        labd.refuse("web-2", 403, new ApiError("forbidden", "alice may not read logs of server/web-2", "r"));
        assertEquals(1, cli.run("logs", "agent/web-2").code());
    }

    @Test
    void lostConnectionIs255WithAClearMessage() {
        labd.agent("web-1", peer -> {
            peer.logsRequest();
            peer.log("partial\n");
            Thread.sleep(100);
            peer.drop();
        });
        long start = System.nanoTime();
        TestCli.Result r = cli.run("logs", "server/web-1", "-f");
        assertEquals(255, r.code(), r.toString());
        assertEquals("partial\n", r.out());
        assertTrue(r.err().startsWith("error: lost the connection to labd while reading the journal of server/web-1"),
                r.err());
        assertTrue(System.nanoTime() - start < 5_000_000_000L);
    }

    @Test
    void usageErrorsAreExit2BeforeContactingLabd() {
        String[][] cases = {
                {"logs", "server/web-1", "--file", "var/log/syslog"},
                {"logs", "server/web-1", "--file", "./app.log"},
                {"logs", "server/web-1", "--file", "/var/log/syslog", "-u", "nginx"},
                {"logs", "server/web-1", "--file", "/var/log/syslog", "-k"},
                {"logs", "server/web-1", "--file", "/var/log/syslog", "-p", "err"},
                {"logs", "server/web-1", "--since", "last tuesday"},
                {"logs", "server/web-1", "--since", ""},
                {"logs", "server/web-1", "-n", "-1"},
                {"logs", "server/web-1", "-n", "many"},
                {"logs", "server/web-1", "-p", "loud"},
                {"logs", "server/web-1", "-u", "nginx; rm -rf /"},
                {"logs", "server/web-1", "-u", ""},  // an unset $UNIT: not the whole journal
                {"logs", "server/web-1", "-p", " "},
                {"logs", "server/web-1", "--file", ""},
                {"logs", "server/web-1", "-o", "json"},
                {"logs", "server/web-1", "--limit", "5"},
                {"logs", "server/web-1", "--verify"},
                {"logs", "server/Web_1"},
                {"logs", "server"},
                {"logs", "server/"},
                {"logs", "agent/web-1", "--since", "1h"},
                {"logs", "agent/web-1", "-u", "nginx"},
                {"logs", "agent/web-1", "--file", "/var/log/syslog"},
                {"logs", "audit", "-n", "5"},
                {"logs", "audit", "--file", "/var/log/syslog"},
        };
        for (String[] args : cases) {
            TestCli.Result r = cli.run(args);
            assertEquals(2, r.code(), String.join(" ", args) + "\n" + r);
            assertTrue(r.err().startsWith("error: "), r.err());
        }
        assertEquals(List.of(), labd.upgrades);
        assertEquals(List.of(), labd.restQueries);
        assertTrue(cli.run("logs", "server/web-1", "--file", "var/log/syslog").err()
                .startsWith("error: --file needs an absolute path"));
        assertTrue(cli.run("logs", "server/web-1", "--file", "/x", "-u", "nginx", "-k").err()
                .startsWith("error: -u, -k: only for the journal, not with --file"));
        assertTrue(cli.run("logs", "server/web-1", "--since", "last tuesday").err()
                .startsWith("error: --since 'last tuesday' is not a time"));
    }

    @Test
    void helpShowsTheNewTypesFlagsAndExamples() {
        TestCli.Result r = cli.run("logs", "--help");
        assertEquals(0, r.code());
        for (String s : List.of("server/NAME", "agent/NAME", "--follow", "--lines", "--unit", "--kernel", "--priority",
                "--file", "Exit codes:", "130", "labctl logs server/web-1 -u nginx -f", "labctl logs agent/web-1",
                "labctl logs audit --verify")) {
            assertTrue(r.out().contains(s), s + " in\n" + r.out());
        }
    }
}
