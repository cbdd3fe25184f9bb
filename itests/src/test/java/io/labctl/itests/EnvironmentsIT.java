package io.labctl.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.labctl.itests.support.Cli;
import io.labctl.itests.support.Csrs;
import io.labctl.itests.support.Labd;
import io.labctl.itests.support.Processes;
import io.labctl.itests.support.Tls;
import io.labctl.kube.testing.ApiServerDouble;
import io.labctl.protocol.CredentialBundle;
import io.labctl.protocol.EnrolRequest;
import io.labctl.protocol.IssuedToken;
import io.labctl.protocol.Json;
import io.labctl.protocol.TokenInfo;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.environments.CloudInfo;
import io.labctl.protocol.environments.EnvironmentInfo;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Environments and clouds as records through the real labd and the real CLI: created, listed, described with a real
 * enrolled server and a cluster in them, deletion refused while they are, typos refused, and who may do what (denials
 * in the audit log).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EnvironmentsIT {
    @TempDir
    static Path dir;
    static Labd labd;
    static ApiServerDouble api;
    static Cli admin;
    static Cli viv;

    @BeforeAll
    static void start() throws Exception {
        labd = Labd.install(dir.resolve("labd"), null);
        labd.start();
        api = ApiServerDouble.start(dir.resolve("api"));
        admin = cli("admin");
        admin.ok("config", "import", labd.adminBundle().toString());
        // viv reads staging and manages the local cloud, nothing else
        admin.ok("create", "role", "staging-viewer", "--allow", "read:baremetal:staging:*", "--allow",
                "manage:local:*:*");
        viv = admin.newUser(dir, "viv", "staging-viewer");
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

    @Test
    @Order(1)
    void builtInCloudsAndAnEnvironmentWhoseNameIsUniqueAcrossClouds() throws Exception {
        List<CloudInfo> clouds = Json.json().readValue(admin.ok("get", "clouds", "-o", "json"),
                new TypeReference<List<CloudInfo>>() {});
        assertTrue(clouds.stream().anyMatch(c -> c.name().equals("baremetal") && c.builtin()), clouds.toString());
        assertTrue(clouds.stream().anyMatch(c -> c.name().equals("local") && c.builtin()), clouds.toString());

        assertEquals("environment/staging created (cloud baremetal)\n",
                admin.ok("create", "environment", "staging", "--cloud", "baremetal"));
        Processes.Result twice = admin.run("create", "environment", "staging", "--cloud", "local");
        assertEquals(1, twice.exitCode(), twice.toString());
        assertTrue(twice.stderr().contains("environment staging exists already (under cloud baremetal)"),
                twice.toString());
        Processes.Result bad = admin.run("create", "environment", "Staging_2", "--cloud", "local");
        assertEquals(2, bad.exitCode(), "a usage error, caught before labd is asked: " + bad);

        String table = admin.ok("get", "environments");
        assertTrue(table.startsWith("NAME") && table.contains("staging") && table.contains("baremetal"), table);
        assertTrue(admin.ok("get", "clouds", "-o", "wide").contains("staging"));
        String yaml = admin.ok("get", "environments", "-o", "yaml");
        assertTrue(yaml.contains("name: \"staging\"") || yaml.contains("name: staging"), yaml);
    }

    @Test
    @Order(2)
    void tokensAndClustersNameAnExistingEnvironmentAndATypoCreatesNothing() throws Exception {
        Processes.Result typo = admin.run("create", "token", "--env", "stagign");
        assertEquals(1, typo.exitCode(), typo.toString());
        assertTrue(typo.stderr().contains("environment 'stagign' does not exist")
                && typo.stderr().contains("labctl create environment stagign --cloud CLOUD"), typo.toString());
        Processes.Result mismatch = admin.run("create", "token", "--env", "staging", "--cloud", "aws");
        assertEquals(1, mismatch.exitCode(), mismatch.toString());
        assertTrue(mismatch.stderr().contains("is under cloud baremetal, not aws"), mismatch.toString());
        assertEquals(List.of(), Json.json().readValue(admin.ok("get", "tokens", "-o", "json"),
                new TypeReference<List<TokenInfo>>() {}), "nothing half-done");

        // --cloud left out: the environment's; then a real enrolment puts a server there
        IssuedToken token = Json.json().readValue(admin.ok("create", "token", "--env", "staging", "--server", "web-1",
                "-o", "json"), IssuedToken.class);
        assertEquals("baremetal", token.info().cloud());
        CredentialBundle bundle = labd.admin();
        HttpResponse<String> enrolled = Tls.anonymous(bundle).send(HttpRequest.newBuilder(
                        URI.create(bundle.server() + "/api/v1/enrol")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.json().writeValueAsBytes(new EnrolRequest(
                        token.token(), "web-1", Csrs.csr("web-1", Csrs.ecKey()))))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, enrolled.statusCode(), enrolled.body());

        Path kubeconfig = Files.writeString(dir.resolve("k3s.yaml"), api.kubeconfig("cert"));
        Processes.Result clusterTypo = admin.run("clusters", "add", "k3s", "--kubeconfig", kubeconfig.toString(),
                "--env", "stagign");
        assertEquals(1, clusterTypo.exitCode(), clusterTypo.toString());
        assertTrue(clusterTypo.stderr().contains("labctl create environment stagign"), clusterTypo.toString());
        assertTrue(admin.ok("clusters", "add", "k3s", "--kubeconfig", kubeconfig.toString(), "--env", "staging")
                .contains("environment staging"));
    }

    @Test
    @Order(3)
    void describeShowsWhatIsInAnEnvironmentAndDeleteIsRefusedWhileAnythingIs() throws Exception {
        String described = admin.ok("describe", "environment/staging");
        assertTrue(described.matches("(?s).*Cloud:\\s+baremetal.*Servers \\(1\\):\\s+web-1.*Bastions \\(0\\):\\s+<none>"
                + ".*Clusters \\(1\\):\\s+k3s.*"), described);

        Processes.Result refused = admin.run("delete", "environment/staging");
        assertEquals(1, refused.exitCode(), refused.toString());
        assertTrue(refused.stderr().contains("environment staging was not deleted: it holds")
                && refused.stderr().contains("1 clusters (k3s)") && refused.stderr().contains("1 servers (web-1)"),
                refused.toString());
        assertTrue(admin.ok("get", "environments").contains("staging"), "nothing half-done");

        admin.ok("clusters", "remove", "k3s");
        admin.ok("delete", "server/web-1");
        assertEquals("environment/staging deleted\n", admin.ok("delete", "environment", "staging"));
        assertFalse(admin.ok("get", "environments", "-o", "json").contains("\"staging\""));
        Processes.Result gone = admin.run("describe", "environment/staging");
        assertEquals(1, gone.exitCode(), gone.toString());
        assertTrue(gone.stderr().contains("no environment named staging"), gone.toString());
    }

    @Test
    @Order(4)
    void manageOnTheWholeCloudCreatesAndDeletesAndRefusalsAreAudited() throws Exception {
        admin.ok("create", "environment", "staging", "--cloud", "baremetal");
        admin.ok("create", "environment", "hidden", "--cloud", "baremetal");

        List<EnvironmentInfo> seen = Json.json().readValue(viv.ok("get", "environments", "-o", "json"),
                new TypeReference<List<EnvironmentInfo>>() {});
        assertEquals(List.of("staging"), seen.stream().map(EnvironmentInfo::name).toList(), "only what viv may read");
        Processes.Result notHers = viv.run("describe", "environment/hidden");
        assertEquals(1, notHers.exitCode(), notHers.toString());

        Processes.Result denied = viv.run("create", "environment", "rack-9", "--cloud", "baremetal");
        assertEquals(1, denied.exitCode(), denied.toString());
        assertTrue(denied.stderr().contains("manage on baremetal:*:*"), denied.toString());
        Processes.Result deleteDenied = viv.run("delete", "environment/hidden");
        assertEquals(1, deleteDenied.exitCode(), deleteDenied.toString());
        assertTrue(admin.ok("get", "environments").contains("hidden"));

        assertEquals("environment/viv-dev created (cloud local)\n",
                viv.ok("create", "environment", "viv-dev", "--cloud", "local"));
        assertEquals("environment/viv-dev deleted\n", viv.ok("delete", "environment/viv-dev"));

        List<AuditEntry> rows = Json.json().readValue(admin.ok("logs", "audit", "--user", "viv", "-o", "json"),
                new TypeReference<List<AuditEntry>>() {});
        assertTrue(rows.stream().anyMatch(e -> e.action().equals("environment.create")
                && e.result().equals(AuditEntry.DENIED)), rows.toString());
        assertTrue(rows.stream().anyMatch(e -> e.action().equals("environment.delete")
                && e.result().equals(AuditEntry.DENIED)), rows.toString());
        assertTrue(rows.stream().anyMatch(e -> e.action().equals("environment.get")
                && e.result().equals(AuditEntry.DENIED)), rows.toString());
        assertTrue(rows.stream().anyMatch(e -> e.action().equals("environment.create")
                && e.result().equals(AuditEntry.OK)), rows.toString());
        List<AuditEntry> adminRows = Json.json().readValue(admin.ok("logs", "audit", "--user", "admin", "-o", "json"),
                new TypeReference<List<AuditEntry>>() {});
        assertTrue(adminRows.stream().anyMatch(e -> e.action().equals("environment.delete")
                && !e.result().equals(AuditEntry.OK)), "the refused delete of a non-empty environment: " + adminRows);
    }
}
