package io.labctl.kube.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.testing.MarkingSealer;
import io.labctl.api.testing.RuleBook;
import io.labctl.api.web.Caller;
import io.labctl.environments.internal.EnvironmentService;
import io.labctl.kube.testing.ApiServerDouble;
import io.labctl.persistence.Database;
import io.labctl.persistence.internal.TestDatabases;
import io.labctl.protocol.kube.ClusterInfo;
import io.labctl.protocol.kube.ClusterSpec;
import io.labctl.protocol.kube.Kubeconfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster store on a real PostgreSQL, in front of the API server double over real TLS. */
class ClusterServiceTest {
    static final Identity ADMIN = new Identity(Identity.Kind.USER, "admin");
    static final Identity LAB_READER = new Identity(Identity.Kind.USER, "lab-reader");
    static final Identity SERVER_READER = new Identity(Identity.Kind.USER, "server-reader");

    @TempDir
    static Path dir;
    static Database db;
    static ApiServerDouble api;
    static final RuleBook rules = new RuleBook();
    static final MarkingSealer sealer = new MarkingSealer();
    static EnvironmentService environments;
    ClusterService clusters;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabases.start(dir.resolve("pg"));
        TestDatabases.schema(db, "kube");
        environments = new EnvironmentService(db, TestDatabases.schema(db, "environments"));
        environments.create("lab", "baremetal", "admin");
        environments.create("prod", "baremetal", "admin");
        api = ApiServerDouble.start(dir.resolve("api"));
        rules.allow(ADMIN, "admin:*:*:*");
        rules.allow(LAB_READER, "read:baremetal:lab:cluster/*");
        rules.allow(SERVER_READER, "read:baremetal:lab:k3s");   // a server rule: must not grant cluster/k3s
    }

    @AfterAll
    static void stop() throws Exception {
        if (api != null) {
            api.close();
        }
        TestDatabases.stop(db);
    }

    @BeforeEach
    void empty() throws Exception {
        TestDatabases.sql(db, "TRUNCATE kube_clusters");
        clusters = new ClusterService(db, sealer, Duration.ofSeconds(5), 4);
        clusters.decisions = rules;
        clusters.environments = environments;
    }

    @Test
    void aClusterNamesAnExistingEnvironmentAndTakesItsCloud() throws Exception {
        int before = api.requests.size();
        ApiException typo = assertThrows(ApiException.class, () -> clusters.add(ADMIN,
                new ClusterSpec("k3s", "lba", null, api.kubeconfig("cert"), null)));
        assertEquals("unknown-environment", typo.code());
        assertTrue(typo.getMessage().contains("labctl create environment lba --cloud CLOUD"), typo.getMessage());
        assertEquals("cloud-mismatch", assertThrows(ApiException.class, () -> clusters.add(ADMIN,
                new ClusterSpec("k3s", "lab", "aws", api.kubeconfig("cert"), null))).code());
        assertEquals(before, api.requests.size(), "refused before its API server is asked");
        assertEquals(List.of(), clusters.list(caller(ADMIN)), "nothing half-done");
        assertEquals("baremetal", clusters.add(ADMIN, new ClusterSpec("k3s", "lab", null, api.kubeconfig("cert"), null))
                .cloud());

        ClustersInEnvironments in = new ClustersInEnvironments(db, null);
        assertEquals(List.of(new io.labctl.protocol.environments.EnvironmentInfo.Contents("clusters", 1,
                List.of("k3s"))), in.in("lab", 20));
        assertEquals(0, in.in("prod", 20).get(0).count());
    }

    @Test
    void addedWithACertificateItAnswersAndItsKubeconfigIsStoredOnlySealed() throws Exception {
        ClusterInfo added = clusters.add(ADMIN, new ClusterSpec("k3s", "lab", null, api.kubeconfig("cert"), null));
        assertEquals("k3s", added.name());
        assertEquals("lab", added.environment());
        assertEquals("baremetal", added.cloud());
        assertEquals(api.url(), added.server());
        assertEquals("double", added.context());
        assertEquals(Kubeconfig.AUTH_CLIENT_CERTIFICATE, added.auth());
        assertEquals(Boolean.TRUE, added.reachable());
        assertEquals(ApiServerDouble.VERSION, added.version());
        assertEquals("admin", added.addedBy());
        // labd asked /version and then /api with the kubeconfig's client certificate (SEC1 key, as k3s writes them)
        assertTrue(api.requests.contains("/api cert:O=system:masters,CN=labd"), api.requests.toString());

        String stored = TestDatabases.column(db, "SELECT encode(sealed, 'escape') FROM kube_clusters").get(0);
        assertTrue(stored.startsWith("sealed:kubeconfig:k3s:"), stored);
        assertFalse(stored.contains("PRIVATE KEY") || stored.contains("client-key-data"), "a credential in clear");
        // what is sealed opens to one context that still reaches the API server
        assertEquals(Kubeconfig.AUTH_CLIENT_CERTIFICATE, clusters.open("k3s").auth());
        assertEquals(Boolean.TRUE, clusters.get(caller(ADMIN), "k3s").reachable());
    }

    @Test
    void aTokenWorksAndAWrongOneIsRefusedWithNothingStored() throws Exception {
        assertEquals(Boolean.TRUE, clusters.add(ADMIN, new ClusterSpec("robot", "lab", "baremetal",
                api.kubeconfig("token"), null)).reachable());
        String wrong = api.kubeconfig("token").replaceAll("token: \\w+", "token: not-the-token");
        ApiException e = assertThrows(ApiException.class, () -> clusters.add(ADMIN,
                new ClusterSpec("robot-2", "lab", null, wrong, null)));
        assertEquals(400, e.status());
        assertEquals("cluster-unreachable", e.code());
        assertTrue(e.getMessage().contains("refused the kubeconfig's credential (HTTP 401"), e.getMessage());
        assertTrue(e.getMessage().contains("--no-verify"), e.getMessage());
        assertEquals(List.of("robot"), TestDatabases.column(db, "SELECT name FROM kube_clusters"));

        // --no-verify stores it; the listing then says why it is not reachable
        ClusterInfo unverified = clusters.add(ADMIN, new ClusterSpec("robot-2", "lab", null, wrong, false));
        assertNull(unverified.reachable());
        ClusterInfo listed = clusters.list(caller(ADMIN)).stream().filter(c -> c.name().equals("robot-2")).findFirst()
                .orElseThrow();
        assertEquals(Boolean.FALSE, listed.reachable());
        assertEquals(ApiServerDouble.VERSION, listed.version());
        assertTrue(listed.reason().contains("HTTP 401"), listed.reason());
    }

    @Test
    void anApiServerThatIsNotThereOrNotTrustedIsNamed() throws Exception {
        String gone = api.kubeconfig("cert").replace(api.url(), "https://127.0.0.1:1");
        ApiException e = assertThrows(ApiException.class, () -> clusters.add(ADMIN, new ClusterSpec("gone", "lab", null,
                gone, null)));
        assertTrue(e.getMessage().contains("cannot connect to https://127.0.0.1:1"), e.getMessage());
        // another CA than the server's: TLS fails, the credential is never sent
        int before = api.requests.size();
        String otherCa = api.kubeconfig("token").replaceAll("certificate-authority-data: \\S+", "certificate-authority-data: "
                + java.util.Base64.getEncoder().encodeToString(java.nio.file.Files.readAllBytes(api.dir().resolve("client.crt"))));
        ApiException tls = assertThrows(ApiException.class, () -> clusters.add(ADMIN, new ClusterSpec("other", "lab",
                null, otherCa, null)));
        assertTrue(tls.getMessage().contains("TLS with " + api.url() + " failed"), tls.getMessage());
        assertEquals(before, api.requests.size(), "a request reached the server over unverified TLS");
        assertEquals(List.of(), TestDatabases.column(db, "SELECT name FROM kube_clusters"));
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsAsked() throws Exception {
        int before = api.requests.size();
        Map<String, ClusterSpec> cases = Map.of(
                "invalid-cluster-name", new ClusterSpec("K3s", "lab", null, api.kubeconfig("cert"), null),
                "invalid-kubeconfig", new ClusterSpec("k3s", "lab", null, "clusters: []", null),
                "invalid-kubeconfig ", new ClusterSpec("k3s", "lab", null, api.kubeconfig("cert")
                        .replaceAll("client-key-data: \\S+", "client-key-data: "
                                + java.util.Base64.getEncoder().encodeToString("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".getBytes(StandardCharsets.UTF_8))), null),
                "invalid-cluster", new ClusterSpec("k3s", "", null, api.kubeconfig("cert"), null));
        cases.forEach((code, spec) -> {
            ApiException e = assertThrows(ApiException.class, () -> clusters.add(ADMIN, spec), code);
            assertEquals(400, e.status(), code);
            assertEquals(code.strip(), e.code(), e.getMessage());
        });
        assertEquals("missing-body", assertThrows(ApiException.class, () -> clusters.add(ADMIN, null)).code());
        assertEquals(before, api.requests.size());
    }

    @Test
    void readingIsPerClusterAndAServerRuleNeverGrantsACluster() throws Exception {
        clusters.add(ADMIN, new ClusterSpec("k3s", "lab", null, api.kubeconfig("cert"), null));
        clusters.add(ADMIN, new ClusterSpec("prod", "prod", null, api.kubeconfig("cert"), false));
        assertEquals(List.of("k3s", "prod"), clusters.list(caller(ADMIN)).stream().map(ClusterInfo::name).toList());
        assertEquals(List.of("k3s"), clusters.list(caller(LAB_READER)).stream().map(ClusterInfo::name).toList());
        assertEquals(List.of(), clusters.list(caller(SERVER_READER)));
        assertEquals(403, assertThrows(ApiException.class, () -> clusters.get(caller(SERVER_READER), "k3s")).status());
        assertEquals(403, assertThrows(ApiException.class, () -> clusters.get(caller(LAB_READER), "prod")).status());
        // add and remove are admin's
        assertEquals(403, assertThrows(ApiException.class, () -> clusters.remove(LAB_READER, "k3s")).status());
        assertEquals(403, assertThrows(ApiException.class, () -> clusters.add(LAB_READER,
                new ClusterSpec("x", "lab", null, api.kubeconfig("cert"), null))).status());
    }

    @Test
    void removeAndTheNamesThatDoNotExist() throws Exception {
        clusters.add(ADMIN, new ClusterSpec("k3s", "lab", null, api.kubeconfig("cert"), null));
        assertEquals(409, assertThrows(ApiException.class, () -> clusters.add(ADMIN,
                new ClusterSpec("k3s", "lab", null, api.kubeconfig("token"), null))).status());
        assertEquals("k3s", clusters.remove(ADMIN, "k3s").name());
        ApiException gone = assertThrows(ApiException.class, () -> clusters.remove(ADMIN, "k3s"));
        assertEquals(404, gone.status());
        assertTrue(gone.getMessage().contains("labctl clusters list"), gone.getMessage());
        assertEquals(404, assertThrows(ApiException.class, () -> clusters.get(caller(ADMIN), "k3s")).status());
        assertEquals(400, assertThrows(ApiException.class, () -> clusters.get(caller(ADMIN), "../etc")).status());
    }

    static Caller caller(Identity who) {
        return rules.caller(who);
    }
}
