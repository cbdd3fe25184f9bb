package io.labctl.bastion.tftp;

import static io.labctl.bastion.tftp.TestTftpClient.options;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The running server on loopback, driven by curl, atftp and a Java client that injects faults. */
class TftpServerTest {
    @TempDir
    static Path tmp;
    static Path root;
    static Path big;     // > 65535 blocks at 512 bytes: exercises block-number rollover
    static Path medium;

    TftpServer server;
    final List<String> events = new CopyOnWriteArrayList<>();
    Path out;

    @BeforeAll
    static void files() throws Exception {
        root = Files.createDirectories(tmp.resolve("root"));
        big = root.resolve("big.bin");
        medium = root.resolve("medium.bin");
        java.util.Random random = new java.util.Random(42);
        byte[] chunk = new byte[1 << 20];
        try (var o = Files.newOutputStream(big)) {
            for (int i = 0; i < 40; i++) {
                random.nextBytes(chunk);
                o.write(chunk);
            }
            o.write(chunk, 0, 1234);
        }
        byte[] m = new byte[5_000_000];
        random.nextBytes(m);
        Files.write(medium, m);
        Files.writeString(root.resolve("small.txt"), "hello from labctl\n");
        Files.write(root.resolve("exact512.bin"), new byte[512]); // needs a trailing empty block
        Files.write(root.resolve("empty.bin"), new byte[0]);
        Files.writeString(tmp.resolve("secret.txt"), "must never be served\n");
        Files.createSymbolicLink(root.resolve("link-out"), tmp.resolve("secret.txt"));
    }

    @BeforeEach
    void start() throws Exception {
        startServer(TftpSettings.defaults().withBindAddress(InetAddress.getLoopbackAddress()).withPort(0)
                .withTimeout(Duration.ofMillis(200), 5));
        out = Files.createTempFile(tmp, "out", ".bin");
    }

    void startServer(TftpSettings settings) throws IOException {
        if (server != null) {
            server.close();
        }
        VirtualFiles virtual = new VirtualFiles().put("boot.ipxe", () -> "#!ipxe\nautoboot\n".getBytes());
        server = TftpServer.start(settings, CompositeFiles.of(virtual, new RootDirectoryFiles(root)),
                new TransferObserver() {
                    @Override
                    public void started(TransferInfo t) {
                        events.add("started " + t.filename() + " " + t.size());
                    }

                    @Override
                    public void completed(TransferInfo t, long bytes, Duration d) {
                        events.add("completed " + t.filename() + " " + bytes);
                    }

                    @Override
                    public void failed(TransferInfo t, String reason) {
                        events.add("failed " + t.filename() + " " + reason);
                    }
                });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    // ---------------------------------------------------------------- real clients

    @Test
    void curlDefaultBlockSize() throws Exception {
        assumeTrue(has("curl"));
        assertEquals(0, run("curl", "-sS", url("medium.bin"), "-o", out.toString()));
        assertEquals(sha256(medium), sha256(out));
        waitFor(() -> events.contains("completed medium.bin 5000000"));
        assertTrue(events.contains("started medium.bin 5000000"), events::toString);
    }

    @Test
    void curlBlksize1468() throws Exception {
        assumeTrue(has("curl"));
        assertEquals(0, run("curl", "-sS", "--tftp-blksize", "1468", url("medium.bin"), "-o", out.toString()));
        assertEquals(sha256(medium), sha256(out));
    }

    @Test
    void curlFileLargerThan65535BlocksRollsOver() throws Exception {
        assumeTrue(has("curl"));
        assertTrue(Files.size(big) / 512 > 65535);
        assertEquals(0, run("curl", "-sS", url("big.bin"), "-o", out.toString()));
        assertEquals(Files.size(big), Files.size(out));
        assertEquals(sha256(big), sha256(out));
    }

    @Test
    void curlEdgeSizesAndVirtualFile() throws Exception {
        assumeTrue(has("curl"));
        for (String name : List.of("exact512.bin", "empty.bin", "small.txt")) {
            assertEquals(0, run("curl", "-sS", url(name), "-o", out.toString()), name);
            assertEquals(sha256(root.resolve(name)), sha256(out), name);
        }
        assertEquals(0, run("curl", "-sS", url("boot.ipxe"), "-o", out.toString()));
        assertEquals("#!ipxe\nautoboot\n", Files.readString(out));
    }

    @Test
    void atftpWindowsize16Blksize1468() throws Exception {
        assumeTrue(has("atftp"));
        assertEquals(0, run("atftp", "--option", "windowsize 16", "--option", "blksize 1468", "--option", "tsize",
                "-g", "-r", "medium.bin", "-l", out.toString(), "127.0.0.1", Integer.toString(server.port())));
        assertEquals(sha256(medium), sha256(out));
    }

    @Test
    void atftpWindowedTransferRollsOver() throws Exception {
        assumeTrue(has("atftp"));
        assertEquals(0, run("atftp", "--option", "windowsize 16", "-g", "-r", "big.bin", "-l", out.toString(),
                "127.0.0.1", Integer.toString(server.port())));
        assertEquals(sha256(big), sha256(out));
    }

    @Test
    void curlMissingFile() throws Exception {
        assumeTrue(has("curl"));
        assertEquals(68, run("curl", "-sS", url("nope.bin"), "-o", out.toString()), "CURLE_TFTP_NOTFOUND");
        waitFor(() -> events.stream().anyMatch(e -> e.startsWith("failed nope.bin file not found")));
    }

    @Test
    void curlTraversalAttemptsAreRefused() throws Exception {
        assumeTrue(has("curl"));
        String secret = Files.readString(tmp.resolve("secret.txt"));
        for (String path : List.of("../secret.txt", "%2e%2e/secret.txt", "..%2fsecret.txt", "link-out",
                "../../../../etc/passwd", "%2e%2e%2f%2e%2e%2fetc/passwd")) {
            Files.deleteIfExists(out);
            int rc = run("curl", "-sS", "--path-as-is", "tftp://127.0.0.1:" + server.port() + "/" + path,
                    "-o", out.toString());
            assertNotEquals(0, rc, path);
            if (Files.exists(out)) {
                String got = Files.readString(out);
                assertFalse(got.contains(secret) || got.contains("root:"), path);
            }
        }
    }

    @Test
    void curlUploadIsRefused() throws Exception {
        assumeTrue(has("curl"));
        assertEquals(69, run("curl", "-sS", "-T", root.resolve("small.txt").toString(), url("upload.txt")),
                "CURLE_TFTP_PERM");
        assertFalse(Files.exists(root.resolve("upload.txt")));
    }

    // ---------------------------------------------------------------- protocol details (Java client)

    @Test
    void tsizeAndOptionsAnswered() throws Exception {
        try (TestTftpClient c = new TestTftpClient(server.port())) {
            TestTftpClient.Result r = c.fetch("medium.bin",
                    options("tsize", "0", "blksize", "100000", "windowsize", "1000", "x-unknown", "1"),
                    new TestTftpClient.Faults());
            assertTrue(r.ok(), () -> r.errorMessage());
            assertEquals(Map.of("tsize", "5000000", "blksize", "65464", "windowsize", "64"), r.oack());
            assertArrayEquals(Files.readAllBytes(medium), r.data());
        }
    }

    @Test
    void writeRequestRefused() throws Exception {
        try (TestTftpClient c = new TestTftpClient(server.port())) {
            c.sendRaw(TestTftpClient.array(TftpPacket.request(TftpPacket.WRQ, "x", "octet", Map.of())));
            DatagramPacket p = c.receive(2000);
            assertNotNull(p);
            assertEquals(TftpPacket.ERROR, TestTftpClient.opcode(p));
            assertEquals(2, TestTftpClient.errorCode(p));
            assertEquals("access violation: this server is read-only", TestTftpClient.errorMessage(p));
        }
    }

    @Test
    void traversalAndSymlinkEscapeGetAccessViolation() throws Exception {
        try (TestTftpClient c = new TestTftpClient(server.port())) {
            for (String name : List.of("../secret.txt", "/../secret.txt", "..\\secret.txt", "link-out",
                    "a/../../secret.txt")) {
                TestTftpClient.Result r = c.fetch(name, Map.of(), new TestTftpClient.Faults());
                assertEquals(2, r.errorCode(), name);
                assertTrue(r.errorMessage().startsWith("access violation"), r.errorMessage());
            }
            assertEquals(1, c.fetch("/etc/passwd", Map.of(), new TestTftpClient.Faults()).errorCode(),
                    "absolute names are relative to the root");
        }
    }

    @Test
    void lostAckIsRecoveredByRetransmission() throws Exception {
        try (TestTftpClient c = new TestTftpClient(server.port())) {
            TestTftpClient.Faults f = new TestTftpClient.Faults();
            f.dropAckOnce = b -> b == 5 || b == 70000; // one before and one after rollover
            TestTftpClient.Result r = c.fetch("big.bin", Map.of(), f);
            assertTrue(r.ok());
            assertArrayEquals(Files.readAllBytes(big), r.data());
            assertTrue(r.dataPackets() >= r.blocks() + 2, "blocks 5 and 70000 were retransmitted");
        }
    }

    @Test
    void duplicateAcksDoNotCauseSorcerersApprentice() throws Exception {
        try (TestTftpClient c = new TestTftpClient(server.port())) {
            TestTftpClient.Faults f = new TestTftpClient.Faults();
            f.duplicateAcks = true;
            TestTftpClient.Result r = c.fetch("medium.bin", options("blksize", "1024"), f);
            assertArrayEquals(Files.readAllBytes(medium), r.data());
            assertEquals(r.blocks(), r.dataPackets(), "each block sent exactly once");
        }
    }

    @Test
    void windowRestartsFromEarlierAck() throws Exception {
        // A 5 s retransmission timeout: finishing well under it proves the ACK itself restarted the window.
        startServer(TftpSettings.defaults().withBindAddress(InetAddress.getLoopbackAddress()).withPort(0)
                .withTimeout(Duration.ofSeconds(5), 2));
        try (TestTftpClient c = new TestTftpClient(server.port())) {
            TestTftpClient.Faults f = new TestTftpClient.Faults();
            f.dropDataOnce = b -> b == 3 || b == 1000; // client ACKs 2 / 999 and the server restarts there
            long t0 = System.nanoTime();
            TestTftpClient.Result r = c.fetch("medium.bin", options("windowsize", "8", "blksize", "1024"), f);
            assertArrayEquals(Files.readAllBytes(medium), r.data());
            assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(2000), "no timeout was needed");
            assertTrue(r.dataPackets() > r.blocks(), "the rest of the window was sent again");
        }
    }

    @Test
    void blksizeIsClampedToTheInterfaceMtu() throws Exception {
        // Needs an IPv4 address on an interface with an ordinary MTU (eth0 with 1500 in CI containers).
        java.net.InetAddress address = null;
        int mtu = 0;
        for (java.net.NetworkInterface nif : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            if (nif.isUp() && !nif.isLoopback() && nif.getMTU() > 0 && nif.getMTU() < 9000) {
                for (java.net.InetAddress a : java.util.Collections.list(nif.getInetAddresses())) {
                    if (a instanceof java.net.Inet4Address) {
                        address = a;
                        mtu = nif.getMTU();
                    }
                }
            }
        }
        assumeTrue(address != null, "no non-loopback IPv4 interface");
        startServer(TftpSettings.defaults().withBindAddress(address).withPort(0).withTimeout(Duration.ofMillis(200), 5));
        try (TestTftpClient c = new TestTftpClient(address, server.port())) {
            TestTftpClient.Result r = c.fetch("medium.bin", options("blksize", "8192"), new TestTftpClient.Faults());
            assertEquals(Integer.toString(mtu - 32), r.oack().get("blksize"), "MTU - IPv4 - UDP - TFTP headers");
            assertArrayEquals(Files.readAllBytes(medium), r.data());
        }
    }

    @Test
    void netasciiIsServedAsOctetAndOtherModesAreRefused() throws Exception {
        try (TestTftpClient c = new TestTftpClient(server.port())) {
            assertEquals("hello from labctl\n",
                    new String(c.fetch("small.txt", "NetASCII", Map.of(), new TestTftpClient.Faults()).data()));
            TestTftpClient.Result r = c.fetch("small.txt", "mail", Map.of(), new TestTftpClient.Faults());
            assertEquals(4, r.errorCode());
        }
    }

    @Test
    void badOptionValueGetsError8() throws Exception {
        try (TestTftpClient c = new TestTftpClient(server.port())) {
            TestTftpClient.Result r = c.fetch("small.txt", options("blksize", "abc"), new TestTftpClient.Faults());
            assertEquals(8, r.errorCode());
        }
    }

    @Test
    void malformedDatagramsNeverKillTheListener() throws Exception {
        byte[][] junk = {
            {}, {1}, {0, 0}, {0, 99, 1, 2}, {0, 1, 'a', 'b', 'c'}, {0, 1, 'a', 0}, {0, 1, 'a', 0, 'o', 'c', 't', 'e', 't', 0, 'x', 0},
            {0, 1, 'a', 0, 'm', 'a', 'i', 'l', 0}, {0, 3, 0, 1, 1, 2, 3}, {0, 4, 0, 1}, {0, 5, 0, 1, 'x', 0}, {0, 6},
            new byte[2000], oversizedRrq(), {0, 2, 'a', 0}
        };
        try (TestTftpClient c = new TestTftpClient(server.port())) {
            for (byte[] j : junk) {
                c.sendRaw(j);
                DatagramPacket p = c.receive(150);
                if (p != null) {
                    assertEquals(TftpPacket.ERROR, TestTftpClient.opcode(p), "only ERROR may come back");
                }
            }
            c.sendRaw(new byte[] {0, 1, 'a', 'b', 'c'});
            DatagramPacket p = c.receive(1000);
            assertNotNull(p, "RRQ without NUL terminators is answered");
            assertEquals(4, TestTftpClient.errorCode(p));
        }
        try (TestTftpClient c = new TestTftpClient(server.port())) {
            TestTftpClient.Result r = c.fetch("small.txt", Map.of(), new TestTftpClient.Faults());
            assertEquals("hello from labctl\n", new String(r.data()));
        }
        if (has("curl")) {
            assertEquals(0, run("curl", "-sS", url("small.txt"), "-o", out.toString()));
        }
    }

    @Test
    void busyServerRefusesBeyondCap() throws Exception {
        startServer(TftpSettings.defaults().withBindAddress(InetAddress.getLoopbackAddress()).withPort(0)
                .withTimeout(Duration.ofSeconds(2), 1).withMaxConcurrentTransfers(1));
        try (TestTftpClient stalled = new TestTftpClient(server.port());
             TestTftpClient second = new TestTftpClient(server.port())) {
            stalled.sendRaw(TestTftpClient.array(TftpPacket.request(TftpPacket.RRQ, "big.bin", "octet", Map.of())));
            assertNotNull(stalled.receive(1000), "first block arrives; we never ACK it");
            TestTftpClient.Result r = second.fetch("small.txt", Map.of(), new TestTftpClient.Faults());
            assertEquals(0, r.errorCode());
            assertTrue(r.errorMessage().contains("busy"), r.errorMessage());
        }
    }

    @Test
    void oneClientCannotTakeEveryPlace() throws Exception {
        startServer(TftpSettings.defaults().withBindAddress(InetAddress.getLoopbackAddress()).withPort(0)
                .withTimeout(Duration.ofSeconds(5), 1).withMaxConcurrentTransfers(8));
        List<TestTftpClient> stalled = new java.util.ArrayList<>();
        try {
            // one host asks from many ports and never acknowledges
            for (int i = 0; i < TftpServer.MAX_TRANSFERS_PER_CLIENT; i++) {
                TestTftpClient c = new TestTftpClient(server.port());
                stalled.add(c);
                c.sendRaw(TestTftpClient.array(TftpPacket.request(TftpPacket.RRQ, "big.bin", "octet", Map.of())));
                assertNotNull(c.receive(1000), "first block arrives; it is never acknowledged");
            }
            try (TestTftpClient more = new TestTftpClient(server.port())) {
                TestTftpClient.Result r = more.fetch("small.txt", Map.of(), new TestTftpClient.Faults());
                assertEquals(0, r.errorCode());
                assertTrue(r.errorMessage().contains("too many transfers from this address"), r.errorMessage());
            }
            waitFor(() -> events.contains("failed small.txt too many transfers from this address"));
            // another machine still boots
            InetAddress otherHost = InetAddress.getByAddress(new byte[] {127, 0, 0, 2});
            try (TestTftpClient other = new TestTftpClient(otherHost, InetAddress.getLoopbackAddress(), server.port())) {
                TestTftpClient.Result r = other.fetch("small.txt", Map.of(), new TestTftpClient.Faults());
                assertEquals("hello from labctl\n", new String(r.data()));
            }
        } finally {
            for (TestTftpClient c : stalled) {
                c.close();
            }
        }
    }

    @Test
    void closeStopsPromptlyWithTransfersRunning() throws Exception {
        startServer(TftpSettings.defaults().withBindAddress(InetAddress.getLoopbackAddress()).withPort(0)
                .withTimeout(Duration.ofSeconds(10), 5));
        int port = server.port();
        try (TestTftpClient stalled = new TestTftpClient(port)) {
            stalled.sendRaw(TestTftpClient.array(TftpPacket.request(TftpPacket.RRQ, "big.bin", "octet", Map.of())));
            assertNotNull(stalled.receive(1000));
            waitFor(() -> server.activeTransfers() == 1);
            long t0 = System.nanoTime();
            server.close();
            assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(1000), "close() took too long");
            waitFor(() -> events.contains("failed big.bin server shutting down"));
        }
        // The port is free again.
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(port, InetAddress.getLoopbackAddress())) {
            assertEquals(port, s.getLocalPort());
        }
    }

    // ---------------------------------------------------------------- helpers

    private static byte[] oversizedRrq() {
        byte[] b = new byte[1500];
        b[1] = 1;
        java.util.Arrays.fill(b, 2, 1490, (byte) 'a');
        b[1490] = 0;
        b[1491] = 'o';
        b[1492] = 0;
        return b;
    }

    private String url(String name) {
        return "tftp://127.0.0.1:" + server.port() + "/" + name;
    }

    static boolean has(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    static int run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", cmd));
        }
        return p.exitValue();
    }

    static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met in 5 s");
            }
            Thread.sleep(10);
        }
    }
}
