package io.labctl.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.labctl.itests.support.Cli;
import io.labctl.itests.support.Labd;
import io.labctl.itests.support.Processes;
import io.labctl.kube.testing.ApiServerDouble;
import io.labctl.protocol.Json;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.kube.ClusterInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kubernetes clusters through the real labd (its master key, its database) and the real CLI, in front of the API
 * server double (a test double: no real API server can run here) over real TLS.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClustersIT {
    @TempDir
    static Path dir;
    static Labd labd;
    static ApiServerDouble api;
    static Cli admin;
    static Cli lab;
    static Cli server;

    @BeforeAll
    static void start() throws Exception {
        labd = Labd.install(dir.resolve("labd"), null);
        labd.start();
        api = ApiServerDouble.start(dir.resolve("api"));
        admin = cli("admin");
        admin.ok("config", "import", labd.adminBundle().toString());
        admin.ok("create", "role", "lab-clusters", "--allow", "read:baremetal:lab:cluster/*");
        // a rule for a server named as the cluster is: it must not grant the cluster
        admin.ok("create", "role", "lab-servers", "--allow", "read:baremetal:lab:k3s");
        lab = user("lara", "lab-clusters");
        server = user("sam", "lab-servers");
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

    static Cli cli(String name) throws Exception {
        return Cli.named(dir, name);
    }

    static Cli user(String name, String role) throws Exception {
        return admin.newUser(dir, name, role);
    }

    @Test
    @Order(1)
    void aKubeconfigWithFileReferencesIsAddedAndStoredOnlySealed() throws Exception {
        admin.environments("lab:baremetal", "prod:baremetal");
        // as kubeadm writes one: the CA, certificate and key in files beside the kubeconfig
        Path kubeconfig = dir.resolve("api/admin.conf");
        Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\ncurrent-context: other\nclusters:\n- name: k\n"
                + "  cluster: {server: \"" + api.url() + "\", certificate-authority: ca.crt}\nusers:\n- name: u\n"
                + "  user: {client-certificate: client.crt, client-key: " + api.dir().resolve("client.key") + "}\n"
                + "contexts:\n- name: other\n  context: {cluster: nowhere, user: u}\n- name: lab\n  context: {cluster: k, user: u}\n");
        String added = admin.ok("clusters", "add", "k3s", "--kubeconfig", kubeconfig.toString(), "--kube-context", "lab",
                "--env", "lab");
        assertEquals("cluster/k3s added: " + api.url() + ", Kubernetes " + ApiServerDouble.VERSION + ", environment lab\n",
                added);
        assertTrue(api.requests.contains("/api cert:O=system:masters,CN=labd"), api.requests.toString());

        try (Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + labd.dbPort + "/postgres",
                "postgres", ""); Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT sealed, server, auth FROM kube_clusters WHERE name = 'k3s'")) {
            assertTrue(rs.next());
            String stored = new String(rs.getBytes(1), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertFalse(stored.contains("PRIVATE KEY") || stored.contains("client-key") || stored.contains("BEGIN"),
                    "the kubeconfig is in the database in clear");
            assertEquals(api.url(), rs.getString(2));
            assertEquals("client-certificate", rs.getString(3));
        }
        // labd's own log never holds the key either
        String key = Files.readString(api.dir().resolve("client.key")).lines().filter(l -> !l.startsWith("-----"))
                .findFirst().orElseThrow();
        assertFalse(Files.readString(labd.log()).contains(key), "the client key is in labd's log");
    }

    @Test
    @Order(2)
    void listedAndDescribedWithWhatTheApiServerAnswersNow() throws Exception {
        admin.ok("clusters", "add", "robot", "--kubeconfig", write("robot.yaml", api.kubeconfig("token")).toString(),
                "--env", "prod");
        List<ClusterInfo> all = Json.json().readValue(admin.ok("get", "clusters", "-o", "json"),
                new TypeReference<List<ClusterInfo>>() {});
        assertEquals(List.of("k3s", "robot"), all.stream().map(ClusterInfo::name).toList());
        assertTrue(all.stream().allMatch(c -> Boolean.TRUE.equals(c.reachable()) && ApiServerDouble.VERSION.equals(c.version())),
                all.toString());
        assertEquals("token", all.get(1).auth());
        String table = admin.ok("clusters", "list");
        assertTrue(table.startsWith("NAME    ENV    CLOUD       API-SERVER"), table);
        assertTrue(table.contains("yes"), table);
        String described = admin.ok("describe", "cluster/k3s");
        assertTrue(described.contains("Reachable:") && described.contains("Context:         lab"), described);
        assertFalse(described.contains("BEGIN") || admin.ok("get", "clusters", "-o", "yaml").contains("BEGIN"));
    }

    @Test
    @Order(3)
    void readIsPerClusterAndAServerRuleGrantsNoCluster() throws Exception {
        assertEquals(List.of("k3s"), names(lab.ok("get", "clusters", "-o", "json")));
        assertEquals("No clusters. Add one with 'labctl clusters add NAME --kubeconfig PATH --env ENV'.\n",
                server.ok("clusters", "list"));
        Processes.Result denied = server.run("describe", "cluster/k3s");
        assertEquals(1, denied.exitCode(), denied.toString());
        Processes.Result notAdmin = lab.run("clusters", "remove", "k3s");
        assertEquals(1, notAdmin.exitCode(), notAdmin.toString());
        List<AuditEntry> rows = Json.json().readValue(admin.ok("logs", "audit", "--user", "sam", "-o", "json"),
                new TypeReference<List<AuditEntry>>() {});
        assertTrue(rows.stream().anyMatch(e -> e.action().equals("cluster.get") && e.result().equals(AuditEntry.DENIED)),
                rows.toString());
        List<AuditEntry> lara = Json.json().readValue(admin.ok("logs", "audit", "--user", "lara", "-o", "json"),
                new TypeReference<List<AuditEntry>>() {});
        assertTrue(lara.stream().anyMatch(e -> e.action().equals("cluster.remove") && e.result().equals(AuditEntry.DENIED)),
                lara.toString());
    }

    @Test
    @Order(4)
    void badInputIsRefusedWithWhatToDo() throws Exception {
        String exec = api.kubeconfig("token").replaceAll("token: \\w+", "exec: {command: aws, apiVersion:"
                + " client.authentication.k8s.io/v1beta1}");
        Processes.Result plugin = admin.run("clusters", "add", "eks", "--kubeconfig", write("exec.yaml", exec).toString(),
                "--env", "lab");
        assertEquals(2, plugin.exitCode(), plugin.toString());
        assertTrue(plugin.stderr().contains("exec plugin (aws); labd runs no program from a kubeconfig"), plugin.stderr());

        Processes.Result missing = admin.run("clusters", "add", "x", "--kubeconfig", dir.resolve("nope.yaml").toString(),
                "--env", "lab");
        assertEquals(2, missing.exitCode(), missing.toString());
        assertTrue(missing.stderr().contains("does not exist"), missing.stderr());

        String wrongToken = api.kubeconfig("token").replaceAll("token: \\w+", "token: wrong");
        Processes.Result refused = admin.run("clusters", "add", "wrong", "--kubeconfig", write("wrong.yaml", wrongToken)
                .toString(), "--env", "lab");
        assertEquals(1, refused.exitCode(), refused.toString());
        assertTrue(refused.stderr().contains("refused the kubeconfig's credential") && refused.stderr().contains("--no-verify"),
                refused.stderr());
        assertEquals(1, admin.run("clusters", "add", "k3s", "--kubeconfig", write("again.yaml", api.kubeconfig("cert"))
                .toString(), "--env", "lab").exitCode(), "a second k3s");
        assertEquals(2, admin.run("clusters", "add", "Bad_Name", "--kubeconfig", dir.resolve("robot.yaml").toString(),
                "--env", "lab").exitCode());
        assertEquals(List.of("k3s", "robot"), names(admin.ok("get", "clusters", "-o", "json")));
    }

    @Test
    @Order(5)
    void removedAndThenUnknown() throws Exception {
        assertEquals("cluster/robot removed\n", admin.ok("clusters", "remove", "robot"));
        Processes.Result gone = admin.run("describe", "cluster/robot");
        assertEquals(1, gone.exitCode(), gone.toString());
        assertTrue(gone.stderr().contains("no cluster named robot"), gone.stderr());
    }

    static List<String> names(String json) throws Exception {
        return Json.json().<List<ClusterInfo>>readValue(json, new TypeReference<List<ClusterInfo>>() {}).stream()
                .map(ClusterInfo::name).toList();
    }

    static Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }
}
