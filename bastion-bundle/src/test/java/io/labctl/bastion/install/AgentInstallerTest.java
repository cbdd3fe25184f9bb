package io.labctl.bastion.install;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the rendered agent installer with bash against a scratch root and a local HTTP server. */
class AgentInstallerTest {
    @TempDir
    Path tmp;

    private HttpServer server;
    private final AtomicReference<byte[]> served = new AtomicReference<>();
    private byte[] tarball;
    private String script;

    record Run(int exit, String out) {
    }

    @BeforeEach
    void setUp() throws Exception {
        tarball = buildTarball(tmp.resolve("build"));
        served.set(tarball);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/agent/lab-agent.tar.gz", ex -> {
            byte[] body = served.get();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.createContext("/", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.start();
        InstallContext ctx = Fixtures.builder(Role.WORKER, InstallMode.INSTALL)
                .bastionUrl("http://127.0.0.1:" + server.getAddress().getPort()).build();
        script = AgentInstallerRenderer.render(ctx, sha256(tarball));
        Files.writeString(tmp.resolve("agent-install.sh"), script);
    }

    @AfterEach
    void tearDown() {
        server.stop(0);
    }

    private static byte[] buildTarball(Path dir) throws Exception {
        Path top = dir.resolve("lab-agent-0.1.0");
        Files.createDirectories(top.resolve("bin"));
        Files.createDirectories(top.resolve("etc"));
        Files.createDirectories(top.resolve("lib"));
        Path bin = top.resolve("bin/lab-agent");
        Files.writeString(bin, "#!/bin/sh\nexec java -jar /opt/lab-agent/lib/lab-agent.jar \"$@\"\n");
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(top.resolve("etc/logging.properties"), "level=INFO\n");
        Files.write(top.resolve("lib/lab-agent.jar"), new byte[] {0x50, 0x4b, 3, 4});
        Path out = dir.resolve("lab-agent.tar.gz");
        Process p = new ProcessBuilder("tar", "-czf", out.toString(), "-C", dir.toString(), "lab-agent-0.1.0")
                .redirectErrorStream(true).start();
        String msg = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), msg);
        return Files.readAllBytes(out);
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private Run run(Path root) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", tmp.resolve("agent-install.sh").toString());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.toLowerCase().endsWith("_proxy"));
        env.put("ROOT", root.toString());
        env.put("TMPDIR", Files.createDirectories(tmp.resolve("tmpdir")).toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "installer timed out");
        assertFalse(out.contains(Fixtures.TOKEN), "token in installer output:\n" + out);
        return new Run(p.exitValue(), out);
    }

    /** Relative path -> content (files), "->target" (symlinks), "/" + mode (dirs). */
    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String rel = root.relativize(p).toString();
                String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
                if (Files.isSymbolicLink(p)) {
                    m.put(rel, "->" + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p)) {
                    m.put(rel, "/" + perms);
                } else {
                    m.put(rel, perms + ":" + sha256Unchecked(Files.readAllBytes(p)));
                }
            }
        }
        return m;
    }

    private static String sha256Unchecked(byte[] b) {
        try {
            return sha256(b);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void installsIntoScratchRootAndIsIdempotent() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Run r = run(root);
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("installed lab-agent-0.1.0"), r.out());

        Path agent = root.resolve("opt/lab-agent");
        assertTrue(Files.isExecutable(agent.resolve("bin/lab-agent")));
        assertEquals("level=INFO\n", Files.readString(agent.resolve("etc/logging.properties")));
        assertArrayEquals(new byte[] {0x50, 0x4b, 3, 4}, Files.readAllBytes(agent.resolve("lib/lab-agent.jar")));
        assertFalse(Files.exists(agent.resolve("lab-agent-0.1.0")), "top-level directory must be stripped");
        assertEquals("# written by lab-agent-install.sh\n"
                + "serverUrl = https://labd.lab.example:8443\n"
                + "tokenFile = /opt/lab-agent/etc/join-token\n"
                + "name = node01.lab.example\n", Files.readString(agent.resolve("etc/io.labctl.agent.cfg")));
        Path token = agent.resolve("etc/join-token");
        assertEquals(Fixtures.TOKEN + "\n", Files.readString(token));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(token)));

        Path unit = root.resolve("etc/systemd/system/lab-agent.service");
        String u = Files.readString(unit);
        assertTrue(u.contains("\nExecStart=/opt/lab-agent/bin/lab-agent\n"), u);
        assertTrue(u.contains("\nRestart=always\n"), u);
        assertTrue(u.contains("\nAfter=network-online.target\n"), u);
        assertTrue(u.contains("\nWantedBy=multi-user.target\n"), u);
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(unit)));
        Path link = root.resolve("etc/systemd/system/multi-user.target.wants/lab-agent.service");
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(Path.of("/etc/systemd/system/lab-agent.service"), Files.readSymbolicLink(link));

        Map<String, String> first = snapshot(root);
        for (String k : first.keySet()) {
            assertFalse(k.contains(".lab-agent.") || k.contains(".tmp"), "leftover " + k);
        }

        // agent state survives, everything else is identical
        Files.createDirectories(agent.resolve("data"));
        Files.writeString(agent.resolve("data/identity"), "enrolled\n");
        Map<String, String> before = snapshot(root);
        Run r2 = run(root);
        assertEquals(0, r2.exit(), r2.out());
        assertEquals(before, snapshot(root));
        assertTrue(Files.list(tmp.resolve("tmpdir")).findAny().isEmpty(), "temporary files left behind");
    }

    @Test
    void tamperedTarballFailsAndWritesNothing() throws Exception {
        byte[] bad = tarball.clone();
        bad[bad.length / 2] ^= 0x01;
        served.set(bad);
        Path root = Files.createDirectories(tmp.resolve("root"));
        Run r = run(root);
        assertNotEquals(0, r.exit());
        assertTrue(r.out().contains("checksum mismatch"), r.out());
        try (Stream<Path> s = Files.list(root)) {
            assertEquals(0, s.count(), "files written into ROOT");
        }
        assertTrue(Files.list(tmp.resolve("tmpdir")).findAny().isEmpty(), "temporary files left behind");
    }

    @Test
    void tamperedTarballLeavesExistingInstallUntouched() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        assertEquals(0, run(root).exit());
        Map<String, String> before = snapshot(root);
        served.set("not a tarball".getBytes(StandardCharsets.UTF_8));
        Run r = run(root);
        assertNotEquals(0, r.exit());
        assertTrue(r.out().contains("lab-agent-install: ERROR:"), r.out());
        assertEquals(before, snapshot(root));
    }

    @Test
    void downloadFailureFailsFast() throws Exception {
        server.removeContext("/agent/lab-agent.tar.gz");
        Path root = Files.createDirectories(tmp.resolve("root"));
        Run r = run(root);
        assertNotEquals(0, r.exit());
        assertTrue(r.out().contains("download of http://127.0.0.1:"), r.out());
        try (Stream<Path> s = Files.list(root)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void tarballWithoutSingleTopLevelDirectoryIsRejected() throws Exception {
        Path dir = tmp.resolve("flat");
        Files.createDirectories(dir.resolve("bin"));
        Files.writeString(dir.resolve("bin/lab-agent"), "#!/bin/sh\n");
        Path out = tmp.resolve("flat.tar.gz");
        Process p = new ProcessBuilder("tar", "-czf", out.toString(), "-C", dir.toString(), "bin").start();
        assertEquals(0, p.waitFor());
        byte[] flat = Files.readAllBytes(out);
        served.set(flat);
        InstallContext ctx = Fixtures.builder(Role.WORKER, InstallMode.INSTALL)
                .bastionUrl("http://127.0.0.1:" + server.getAddress().getPort()).build();
        Files.writeString(tmp.resolve("agent-install.sh"), AgentInstallerRenderer.render(ctx, sha256(flat)));
        Path root = Files.createDirectories(tmp.resolve("root"));
        Run r = run(root);
        assertNotEquals(0, r.exit());
        assertTrue(r.out().contains("exactly one top-level directory"), r.out());
        try (Stream<Path> s = Files.list(root)) {
            assertEquals(0, s.count());
        }
    }
}
