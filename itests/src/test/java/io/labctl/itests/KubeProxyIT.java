package io.labctl.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.labctl.itests.support.Cli;
import io.labctl.itests.support.Labd;
import io.labctl.itests.support.Processes;
import io.labctl.kube.testing.ApiServerDouble;
import io.labctl.kube.testing.Kubectl;
import io.labctl.protocol.Json;
import io.labctl.protocol.access.AuditEntry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real kubectl through labd's kubectl proxy (real labd, real CLI, real TLS both ways) to the API server double
 * (a test double: no real API server can run here): RBAC per request, audit rows, impersonation, streaming, cuts.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubeProxyIT {
    @TempDir
    static Path dir;
    static Labd labd;
    static ApiServerDouble api;
    static String kubectl;
    static Cli admin;
    static Cli viewer;
    static Cli operator;

    @BeforeAll
    static void start() throws Exception {
        kubectl = Kubectl.find();
        assumeTrue(kubectl != null, "no kubectl here (.ci/run installs one)");
        labd = Labd.install(dir.resolve("labd"), null);
        labd.start();
        api = ApiServerDouble.start(dir.resolve("api"));
        api.putPod("web-0", "Running");
        api.putPod("web-1", "Running");
        admin = cli("admin");
        admin.ok("config", "import", labd.adminBundle().toString());
        admin.environments("lab:baremetal");
        admin.ok("clusters", "add", "k3s", "--kubeconfig", Files.writeString(dir.resolve("k3s.yaml"),
                api.kubeconfig("cert")).toString(), "--env", "lab");
        admin.ok("create", "role", "k8s-viewer", "--allow", "kubectl:baremetal:lab:cluster/*");
        admin.ok("create", "role", "k8s-operator", "--allow", "kubectl:baremetal:lab:cluster/k3s",
                "--allow", "destroy:baremetal:lab:cluster/k3s");
        viewer = user("vera", "k8s-viewer");
        operator = user("otto", "k8s-operator");
    }

    @AfterAll
    static void stop() throws Exception {
        if (api != null) {
            api.close();
        }
        if (labd != null) {
            labd.close();
        }
    }

    @Test
    @Order(1)
    void aViewerListsPodsThroughLabdAndTheClusterSeesWhoItWas() throws Exception {
        assertTrue(admin.ok("describe", "cluster/k3s").contains("labctl:<user>"), "impersonation was probed");
        Processes.Result got = kubectl(viewer, "get", "pods");
        assertEquals(0, got.exitCode(), got.toString());
        assertTrue(got.stdout().contains("web-0") && got.stdout().contains("web-1"), got.stdout());
        assertTrue(api.requests.contains("/api/v1/namespaces/default/pods cert:O=system:masters,CN=labd as:labctl:vera,group:labctl:users"),
                api.requests.toString());
        AuditEntry row = last("vera", "kubectl.list");
        assertEquals(AuditEntry.OK, row.result(), row.toString());
        assertEquals("cluster/k3s", row.resource());
        JsonNode detail = Json.json().readTree(row.detail());
        assertEquals("pods", detail.path("resource").asText(), row.detail());
        assertEquals("default", detail.path("namespace").asText(), row.detail());
        assertEquals(200, detail.path("status").asInt(), row.detail());
    }

    @Test
    @Order(2)
    void aViewerMayNotDeleteTheRefusalIsAuditedAndThePodStays() throws Exception {
        Processes.Result denied = kubectl(viewer, "delete", "pod", "web-1", "--wait=false");
        assertNotEquals(0, denied.exitCode(), denied.toString());
        assertTrue(denied.stderr().contains("Forbidden") && denied.stderr().contains("destroy"), denied.stderr());
        assertFalse(api.requests.stream().anyMatch(r -> r.startsWith("/api/v1/namespaces/default/pods/web-1 ")),
                "the delete reached the cluster: " + api.requests);
        AuditEntry row = last("vera", "kubectl.delete");
        assertEquals(AuditEntry.DENIED, row.result(), row.toString());

        Processes.Result deleted = kubectl(operator, "delete", "pod", "web-1", "--wait=false");
        assertEquals(0, deleted.exitCode(), deleted.toString());
        assertEquals(AuditEntry.OK, last("otto", "kubectl.delete").result());
        assertFalse(kubectl(viewer, "get", "pods").stdout().contains("web-1"));
    }

    @Test
    @Order(3)
    void impersonationFromTheCallerAndFlagsThatBypassLabdAreRefused() throws Exception {
        Processes.Result as = kubectl(operator, "get", "pods", "--as", "system:admin");
        assertNotEquals(0, as.exitCode(), as.toString());
        assertTrue(as.stderr().contains("Impersonate-User"), as.stderr());
        assertEquals(AuditEntry.DENIED, last("otto", "kubectl.list").result());

        Processes.Result bypass = run(viewer, "kubectl", "--cluster", "k3s", "--", "get", "pods", "--server",
                api.url());
        assertEquals(2, bypass.exitCode(), bypass.toString());
        assertTrue(bypass.stderr().contains("--server would take kubectl past labd"), bypass.stderr());
    }

    @Test
    @Order(4)
    void watchesAndFollowsStreamAndAWatchEndsWhenTheUserLosesAccess() throws Exception {
        Cli walt = user("walt", "k8s-viewer");

        Process follow = start(viewer, "logs", "-f", "web-0");
        Process watch = start(walt, "get", "pods", "-w", "--output-watch-events");
        try {
            BlockingQueue<String> followed = lines(follow);
            BlockingQueue<String> watched = lines(watch);
            assertTrue(api.awaitWatches(1, Duration.ofSeconds(30)), "the watch never reached the cluster");
            api.putPod("web-2", "Pending");
            assertTrue(waitFor(watched, "web-2"), "the watch event did not come through");
            api.log("web-0", "hello through labd");
            assertTrue(waitFor(followed, "hello through labd"), "the followed line did not come through");

            admin.ok("unbind", "role", "k8s-viewer", "--user", "walt");
            assertTrue(watch.waitFor(30, TimeUnit.SECONDS), "the watch was not cut when walt lost access");
            AuditEntry row = last("walt", "kubectl.watch");
            assertEquals(AuditEntry.DENIED, row.result(), row.toString());
            assertTrue(row.error().contains("ended by labd"), row.toString());
            assertTrue(follow.isAlive(), "vera's follow must go on");
        } finally {
            follow.destroyForcibly();
            watch.destroyForcibly();
        }
    }

    @Test
    @Order(5)
    void execAndPortForwardGoThroughAsWebSocketsAndADenyRuleForExecHolds() throws Exception {
        admin.ok("create", "role", "k8s-all-but-exec", "--allow", "*:baremetal:lab:cluster/k3s",
                "--deny", "exec:baremetal:lab:cluster/k3s");
        admin.ok("create", "role", "k8s-exec", "--allow", "kubectl:baremetal:lab:cluster/k3s",
                "--allow", "exec:baremetal:lab:cluster/k3s");
        Cli noExec = user("nina", "k8s-all-but-exec");
        Processes.Result denied = kubectl(noExec, "exec", "web-0", "--", "echo", "hi");
        assertNotEquals(0, denied.exitCode(), denied.toString());
        assertEquals(AuditEntry.DENIED, last("nina", "kubectl.exec").result());
        assertTrue(api.execs.isEmpty(), "a denied exec reached the cluster: " + api.execs);

        Cli ezra = user("ezra", "k8s-exec");
        Processes.Result hi = kubectl(ezra, "exec", "web-0", "--", "echo", "hi", "there");
        assertEquals(0, hi.exitCode(), hi.toString());
        assertEquals("hi there\n", hi.stdout());
        assertEquals(3, kubectl(ezra, "exec", "web-0", "--", "sh", "-c", "exit 3").exitCode());
        AuditEntry opened = last("ezra", "kubectl.exec.open");
        assertTrue(opened.detail().contains("\"subresource\":\"exec\""), opened.toString());
        assertEquals(AuditEntry.OK, last("ezra", "kubectl.exec").result());

        // stdin through labd, larger than one message
        String text = "first\n" + "y".repeat(200_000) + "\n";
        Path in = Files.writeString(dir.resolve("stdin.txt"), text);
        List<String> cat = new ArrayList<>(List.of("env", "HOME=" + dir.resolve("kubectl-home"), "LABCTL_KUBECTL=" + kubectlPath()));
        cat.addAll(ezra.command("kubectl", "--cluster", "k3s", "--", "exec", "-i", "web-0", "--", "cat"));
        Process p = new ProcessBuilder(cat).redirectInput(in.toFile()).start();
        String echoed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(text, echoed);

        // port-forward: SPDY tunnelled in a WebSocket, relayed as it is
        com.sun.net.httpserver.HttpServer web = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        web.createContext("/", exchange -> {
            byte[] body = ("pod says " + exchange.getRequestURI().getPath() + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        web.start();
        api.forwardPort(80, web.getAddress().getPort());
        int local;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            local = free.getLocalPort();
        }
        Process forward = start(ezra, "port-forward", "--address", "127.0.0.1", "pod/web-0", local + ":80");
        try {
            BlockingQueue<String> said = lines(forward);
            assertTrue(waitFor(said, "Forwarding from 127.0.0.1:" + local), () -> "port-forward did not start: " + SEEN);
            Process curl = new ProcessBuilder("curl", "-sS", "--max-time", "30", "http://127.0.0.1:" + local + "/through")
                    .redirectErrorStream(true).start();
            assertEquals("pod says /through\n", new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            forward.destroyForcibly();
            web.stop(0);
        }
        assertTrue(last("ezra", "kubectl.portforward.open").detail().contains("web-0"));

        // an open exec ends when its user loses exec
        Process sleeping = start(ezra, "exec", "web-0", "--", "sleep", "120");
        try {
            Processes.await("the exec to open", Duration.ofSeconds(30),
                    () -> api.execs.stream().anyMatch(e -> e.command().equals(List.of("sleep", "120"))));
            admin.ok("unbind", "role", "k8s-exec", "--user", "ezra");
            assertTrue(sleeping.waitFor(30, TimeUnit.SECONDS), "the exec was not cut when ezra lost access");
            assertNotEquals(0, sleeping.exitValue());
            AuditEntry cut = last("ezra", "kubectl.exec");
            assertEquals(AuditEntry.DENIED, cut.result(), cut.toString());
        } finally {
            sleeping.destroyForcibly();
        }
    }

    /** kubectl asks for a TTY only when its stdin is a terminal: script(1) gives it one, with a set size. */
    @Test
    @Order(6)
    void execWithATerminalThroughLabd() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "no script(1) here");
        Cli tess = user("tess", "k8s-exec");
        assertTrue(terminal(tess, "tty").contains("/dev/pts/0"));
        assertTrue(api.execs.stream().anyMatch(e -> e.command().equals(List.of("tty")) && e.tty()), api.execs.toString());
        // the size goes on its own channel while the command runs: one that lasts a second gets it for sure
        terminal(tess, "sleep", "1");
        assertTrue(api.resizes.stream().anyMatch(r -> r.trim().equals("{\"Width\":101,\"Height\":31}")),
                api.resizes.toString());
    }

    /** labctl kubectl ... exec -it web-0 -- COMMAND in a terminal of 101x31 (script(1)); what it printed. */
    static String terminal(Cli who, String... command) throws Exception {
        List<String> labctl = new ArrayList<>(List.of("env", "HOME=" + dir.resolve("kubectl-home"),
                "LABCTL_KUBECTL=" + kubectlPath()));
        List<String> args = new ArrayList<>(List.of("kubectl", "--cluster", "k3s", "--", "exec", "-it", "web-0", "--"));
        args.addAll(List.of(command));
        labctl.addAll(who.command(args.toArray(new String[0])));
        Process p = new ProcessBuilder("/usr/bin/script", "-qec", "stty cols 101 rows 31 && " + String.join(" ", labctl),
                "/dev/null").redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    @Order(7)
    void appLogsAreThePodsOfTheAppReadThroughTheProxy() throws Exception {
        api.log("web-2", "from web-2");
        String logs = viewer.ok("logs", "app/web", "--cluster", "k3s");
        assertTrue(logs.contains("[web-0/main] hello through labd") && logs.contains("[web-2/main] from web-2"), logs);
        assertTrue(last("vera", "kubectl.get").detail().contains("\"subresource\":\"log\""));
        // one cluster only is registered: --cluster is not needed
        assertTrue(admin.ok("logs", "app/web", "-n", "1").contains("[web-2/main] from web-2"));
        Processes.Result unnamed = viewer.run("logs", "app/web");
        assertEquals(2, unnamed.exitCode(), unnamed.toString());
        assertTrue(unnamed.stderr().contains("--cluster"), unnamed.stderr());
        Processes.Result none = viewer.run("logs", "app/db", "--cluster", "k3s");
        assertEquals(1, none.exitCode(), none.toString());
        assertTrue(none.stderr().contains("no pods of app db"), none.stderr());
        Processes.Result walt = cli("walt").run("logs", "app/web", "--cluster", "k3s");
        assertEquals(1, walt.exitCode(), walt.toString());
        assertTrue(walt.stderr().contains("kubectl"), walt.stderr());
    }

    @Test
    @Order(8)
    void configWritesAContextThatOtherToolsUseThroughLabd() throws Exception {
        // the exec credential plugin calls back 'labctl' from LABCTL_HOME: here a launcher of the CLI under test
        Path home = Files.createDirectories(dir.resolve("labctl-home"));
        Path launcher = home.resolve("labctl");
        List<String> cmd = viewer.command();
        Files.writeString(launcher, "#!/bin/sh\nexec " + String.join(" ", cmd) + " \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwx------"));
        Path kubeconfig = Files.writeString(dir.resolve("kube-config"), "apiVersion: v1\nkind: Config\nclusters:\n"
                + "- name: other\n  cluster: {server: 'https://example.invalid'}\ncontexts: []\nusers: []\n"
                + "current-context: ''\n");
        Processes.Result written = run(viewer, List.of("LABCTL_HOME=" + home), "kubectl", "--cluster", "k3s", "config",
                "--kubeconfig", kubeconfig.toString(), "--use");
        assertEquals(0, written.exitCode(), written.toString());
        String file = Files.readString(kubeconfig);
        assertTrue(file.contains("name: \"other\"") || file.contains("name: other"), "other entries are kept: " + file);
        assertFalse(file.contains("BEGIN"), "no key or certificate copied into the kubeconfig: " + file);
        ProcessBuilder pb = Kubectl.command(kubectl, dir.resolve("kubectl-home"), "--kubeconfig", kubeconfig.toString(),
                "get", "pods");
        Processes.Result got = Processes.run(dir, pb.command(), Duration.ofSeconds(60));
        assertEquals(0, got.exitCode(), got.toString());
        assertTrue(got.stdout().contains("web-0"), got.stdout());
    }

    @Test
    @Order(9)
    void aRemovedClusterAnswersAClearError() throws Exception {
        admin.ok("clusters", "remove", "k3s");
        Processes.Result gone = kubectl(viewer, "get", "pods");
        assertNotEquals(0, gone.exitCode(), gone.toString());
        assertTrue(gone.stderr().contains("no cluster named k3s"), gone.stderr());
    }

    // ---- helpers

    static Cli cli(String name) throws Exception {
        return Cli.named(dir, name);
    }

    static Cli user(String name, String role) throws Exception {
        return admin.newUser(dir, name, role);
    }

    /** labctl kubectl --cluster k3s -- ARGS, with kubectl's cache in the test's folder. */
    static Processes.Result kubectl(Cli who, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("kubectl", "--cluster", "k3s", "--"));
        all.addAll(List.of(args));
        return run(who, List.of(), all.toArray(new String[0]));
    }

    static Processes.Result run(Cli who, String... args) throws Exception {
        return run(who, List.of(), args);
    }

    static Processes.Result run(Cli who, List<String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("env", "HOME=" + dir.resolve("kubectl-home"),
                "LABCTL_KUBECTL=" + kubectlPath()));
        command.addAll(env);
        command.addAll(who.command(args));
        return Processes.run(dir, command, Duration.ofSeconds(60));
    }

    static Process start(Cli who, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("env", "HOME=" + dir.resolve("kubectl-home"),
                "LABCTL_KUBECTL=" + kubectlPath()));
        List<String> all = new ArrayList<>(List.of("kubectl", "--cluster", "k3s", "--"));
        all.addAll(List.of(args));
        command.addAll(who.command(all.toArray(new String[0])));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    static String kubectlPath() throws Exception {
        if (kubectl.contains("/")) {
            return kubectl;
        }
        Process which = new ProcessBuilder("sh", "-c", "command -v " + kubectl).start();
        return new String(which.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }

    static BlockingQueue<String> lines(Process p) {
        BlockingQueue<String> q = new LinkedBlockingQueue<>();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    q.add(line);
                }
            } catch (Exception ignored) {
                // the process ended
            }
        });
        t.setDaemon(true);
        t.start();
        return q;
    }

    /** Every line waitFor read, for the failure messages. */
    static final List<String> SEEN = new java.util.concurrent.CopyOnWriteArrayList<>();

    static boolean waitFor(BlockingQueue<String> lines, String text) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < until) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null) {
                SEEN.add(line);
                if (line.contains(text)) {
                    return true;
                }
            }
        }
        return false;
    }

    static AuditEntry last(String user, String action) throws Exception {
        List<AuditEntry> rows = Json.json().readValue(admin.ok("logs", "audit", "--user", user, "-o", "json"),
                new TypeReference<List<AuditEntry>>() {});
        return rows.stream().filter(e -> e.action().equals(action)).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no " + action + " row for " + user + ": " + rows));
    }
}
