package io.labctl.kube.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.kube.testing.ApiServerDouble;
import io.labctl.kube.testing.Kubectl;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API server double is only worth its name if the real kubectl works against it: discovery, the printed table,
 * -o name, a watch and a log follow that stream, a delete. Skipped where no kubectl runs.
 */
@org.junit.jupiter.api.Timeout(120)
class KubectlAgainstTheDoubleTest {
    @TempDir
    static Path dir;
    static ApiServerDouble api;
    static String kubectl;
    static Path kubeconfig;

    @BeforeAll
    static void start() throws Exception {
        kubectl = Kubectl.find();
        Assumptions.assumeTrue(kubectl != null, "no kubectl here (set KUBECTL or put kubectl on the PATH)");
        api = ApiServerDouble.start(dir.resolve("api"));
        kubeconfig = Files.writeString(dir.resolve("kubeconfig"), api.kubeconfig("cert"));
        api.putPod("web-1", "Running");
        api.putPod("web-2", "Pending");
        api.log("web-1", "GET / 200");
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    static String run(String... args) throws Exception {
        String[] all = new String[args.length + 2];
        all[0] = "--kubeconfig";
        all[1] = kubeconfig.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        Process p = Kubectl.command(kubectl, dir.resolve("home"), all).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", args) + ": " + out);
        return out;
    }

    @Test
    void getPrintsTheTableAndNames() throws Exception {
        String table = run("get", "pods");
        assertTrue(table.startsWith("NAME    STATUS    READY"), table);
        assertTrue(table.contains("web-1   Running   1/1"), table);
        assertEquals("pod/web-1\npod/web-2\n", run("get", "pods", "-o", "name"));
        assertEquals("web-1", run("get", "pod", "web-1", "-o", "jsonpath={.metadata.name}"));
    }

    @Test
    void aWatchAndALogFollowStream() throws Exception {
        Process watch = Kubectl.command(kubectl, dir.resolve("home"), "--kubeconfig", kubeconfig.toString(), "get", "pods",
                "-w", "-o", "name", "--watch-only").redirectErrorStream(true).start();
        Process follow = Kubectl.command(kubectl, dir.resolve("home"), "--kubeconfig", kubeconfig.toString(), "logs", "-f",
                "web-1").redirectErrorStream(true).start();
        try (BufferedReader events = new BufferedReader(new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8));
             BufferedReader lines = new BufferedReader(new InputStreamReader(follow.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("GET / 200", lines.readLine());
            assertTrue(api.awaitWatches(1, java.time.Duration.ofSeconds(30)), "kubectl's watch did not arrive");
            api.putPod("web-3", "Running");
            assertEquals("pod/web-3", events.readLine());
            api.log("web-1", "GET /items 200");
            assertEquals("GET /items 200", lines.readLine());
        } finally {
            watch.destroyForcibly();
            follow.destroyForcibly();
        }
    }

    /** kubectl's own impersonation flags send what a proxy in front of the API server would: the double records it. */
    @Test
    void impersonationIsRecorded() throws Exception {
        run("--as", "alice", "--as-group", "devs", "--as-group", "ops", "get", "pod", "web-1", "-o", "name");
        assertTrue(api.requests.contains("/api/v1/namespaces/default/pods/web-1 cert:O=system:masters,CN=labd as:alice,group:devs,group:ops"),
                api.requests.toString());
    }

    @Test
    void aDeleteRemovesThePod() throws Exception {
        api.putPod("old-1", "Failed");
        assertEquals("pod \"old-1\" deleted\n", run("delete", "pod", "old-1", "--wait=false"));
        assertTrue(!run("get", "pods", "-o", "name").contains("old-1"));
    }

    /** kubectl with this input on stdin (null: none, stdin closed): its exit code and what it printed (both streams). */
    static Result exec(String stdin, String... args) throws Exception {
        String[] all = new String[args.length + 2];
        all[0] = "--kubeconfig";
        all[1] = kubeconfig.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        Process p = Kubectl.command(kubectl, dir.resolve("home"), all).start();
        try (var in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out, err);
    }

    record Result(int code, String out, String err) {}

    @Test
    void execOverAWebSocketPrintsAndEndsWithTheCommandsCode() throws Exception {
        int before = api.execs.size();
        Result hi = exec(null, "exec", "web-1", "--", "echo", "hi", "there");
        assertEquals(new Result(0, "hi there\n", ""), hi, api.requests.toString());
        ApiServerDouble.Exec seen = api.execs.get(before);
        assertEquals(new ApiServerDouble.Exec("web-1", java.util.List.of("echo", "hi", "there"), false, false,
                "v5.channel.k8s.io"), seen);
        assertTrue(api.requests.contains("/api/v1/namespaces/default/pods/web-1/exec cert:O=system:masters,CN=labd v5.channel.k8s.io"),
                api.requests.toString());

        Result three = exec(null, "exec", "web-1", "--", "sh", "-c", "exit 3");
        assertEquals(3, three.code(), three.toString());
        assertEquals("", three.out());
        assertEquals(1, exec(null, "exec", "web-1", "--", "false").code());

        Result missing = exec(null, "exec", "web-1", "--", "nosuch");
        assertEquals(127, missing.code(), missing.toString());
        assertTrue(missing.err().startsWith("sh: nosuch: not found\n"), missing.err());

        assertEquals(new Result(0, "", ""), exec(null, "exec", "web-1", "--", "sleep", "0.1"));

        Result noPod = exec(null, "exec", "web-9", "--", "echo", "hi");
        assertEquals(1, noPod.code(), noPod.toString());
    }

    @Test
    void execWithStdinEchoesItUntilKubectlClosesIt() throws Exception {
        String text = "first line\nsecond line\n" + "x".repeat(100_000) + "\n";
        Result cat = exec(text, "exec", "-i", "web-1", "--", "cat");
        assertEquals(new Result(0, text, ""), cat);
        assertTrue(api.execs.stream().anyMatch(e -> e.command().equals(java.util.List.of("cat")) && e.stdin() && !e.tty()));
    }

    /** kubectl only asks for a TTY when its stdin is a terminal (else it says so and runs without): script(1) gives it one. */
    @Test
    void execWithATtyGetsOneAndSendsTheTerminalSize() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "no script(1) here");
        // script's terminal has no size until one is set: kubectl sends the size it finds
        String command = "stty cols 132 rows 43 && " + kubectl + " --kubeconfig " + kubeconfig + " exec -it web-1 -- tty";
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/script", "-qec", command, "/dev/null").redirectErrorStream(true);
        pb.environment().put("HOME", dir.resolve("home").toString());
        pb.environment().remove("KUBECONFIG");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("/dev/pts/0"), out);
        assertTrue(api.execs.stream().anyMatch(e -> e.command().equals(java.util.List.of("tty")) && e.tty()), api.execs.toString());
        assertTrue(api.resizes.stream().anyMatch(r -> r.trim().equals("{\"Width\":132,\"Height\":43}")), api.resizes.toString());
    }

    /**
     * kubectl port-forward (SPDY tunnelled in a WebSocket) to a pod's port 80, which the double connects to a real HTTP
     * server here; the real curl goes through it twice. A port with nothing behind it is reported by kubectl.
     */
    @Test
    void portForwardCarriesRealHttpBothWays() throws Exception {
        com.sun.net.httpserver.HttpServer web = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        web.createContext("/", exchange -> {
            // what came in (a POST's body is counted), and 3 MiB when asked: frames of every size both ways
            long received = exchange.getRequestBody().transferTo(java.io.OutputStream.nullOutputStream());
            if (exchange.getRequestURI().getPath().equals("/big")) {
                exchange.sendResponseHeaders(200, 3 << 20);
                byte[] chunk = new byte[1 << 20];
                for (int i = 0; i < chunk.length; i++) {
                    chunk[i] = (byte) (i * 31);
                }
                for (int i = 0; i < 3; i++) {
                    exchange.getResponseBody().write(chunk);
                }
                exchange.close();
                return;
            }
            byte[] body = ("pod says " + exchange.getRequestURI().getPath() + (received > 0 ? " after " + received + " bytes" : "")
                    + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        web.start();
        api.forwardPort(80, web.getAddress().getPort());
        int forwarded = freePort();
        int unmapped = freePort();
        Process forward = Kubectl.command(kubectl, dir.resolve("home"), "--kubeconfig", kubeconfig.toString(),
                "port-forward", "--address", "127.0.0.1", "pod/web-1", forwarded + ":80", unmapped + ":81").redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(forward.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("Forwarding from 127.0.0.1:" + forwarded + " -> 80", out.readLine());
            assertEquals("Forwarding from 127.0.0.1:" + unmapped + " -> 81", out.readLine());
            assertEquals("pod says /first\n", curl(forwarded, "/first"));
            assertEquals("pod says /second\n", curl(forwarded, "/second"));
            assertEquals(String.valueOf(3 << 20), curl(forwarded, "/big", "-o", "/dev/null", "-w", "%{size_download}"));
            Path upload = Files.write(dir.resolve("upload"), new byte[5_000_000]);
            assertEquals("pod says /up after 5000000 bytes\n", curl(forwarded, "/up", "--data-binary", "@" + upload));
            assertTrue(api.requests.stream().anyMatch(r -> r.equals(
                    "/api/v1/namespaces/default/pods/web-1/portforward cert:O=system:masters,CN=labd SPDY/3.1+portforward.k8s.io")),
                    api.requests.toString());
            curl(unmapped, "/nothing");
            String line;
            StringBuilder said = new StringBuilder();
            while ((line = out.readLine()) != null && !line.contains("an error occurred forwarding")) {
                said.append(line).append('\n');
            }
            assertTrue(line != null && line.contains("an error occurred forwarding " + unmapped + " -> 81: error forwarding port 81"),
                    said + String.valueOf(line));
        } finally {
            forward.destroyForcibly();
            web.stop(0);
        }
    }

    static String curl(int port, String path, String... more) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("curl", "-sS", "--max-time", "30"));
        command.addAll(java.util.List.of(more));
        command.add("http://127.0.0.1:" + port + path);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return out;
    }

    static int freePort() throws Exception {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void attachIsExecOfTheMainProcess() throws Exception {
        Result attached = exec("hello\n", "attach", "-i", "web-1");
        assertEquals(0, attached.code(), attached.toString());
        assertEquals("hello\n", attached.out());
    }

    /** A thousand pods listed as kubectl prints them, and watch events carrying when they were published. */
    @Test
    void aThousandPodsAndStampedWatchEvents() throws Exception {
        try (ApiServerDouble big = ApiServerDouble.start(dir.resolve("big"))) {
            big.addPods(1000);
            Path config = Files.writeString(dir.resolve("big.kubeconfig"), big.kubeconfig("token"));
            Process list = Kubectl.command(kubectl, dir.resolve("home"), "--kubeconfig", config.toString(), "get", "pods")
                    .redirectErrorStream(true).start();
            java.util.List<String> lines = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            assertTrue(list.waitFor(60, TimeUnit.SECONDS));
            assertEquals(1001, lines.size(), lines.subList(0, Math.min(5, lines.size())).toString());
            assertEquals("pod-00001   Running   1/1", lines.get(1));
            assertEquals("pod-01000   Running   1/1", lines.get(1000));

            Process watch = Kubectl.command(kubectl, dir.resolve("home"), "--kubeconfig", config.toString(), "get", "pods",
                    "-w", "--watch-only", "-o", "jsonpath={.metadata.name} {.metadata.annotations.double\\.labctl\\.io/published}{\"\\n\"}")
                    .redirectErrorStream(true).start();
            try (BufferedReader events = new BufferedReader(new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8))) {
                assertTrue(big.awaitWatches(1, java.time.Duration.ofSeconds(30)), "kubectl's watch did not arrive");
                long first = big.touch("pod-00007");
                long second = big.touch("pod-00500");
                assertEquals("pod-00007 " + first, events.readLine());
                assertEquals("pod-00500 " + second, events.readLine());
            } finally {
                watch.destroyForcibly();
            }
        }
    }
}
