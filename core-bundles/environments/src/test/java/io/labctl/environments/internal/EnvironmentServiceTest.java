package io.labctl.environments.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.ApiException;
import io.labctl.api.environments.EnvironmentContents;
import io.labctl.persistence.Database;
import io.labctl.persistence.Schema;
import io.labctl.persistence.internal.TestDatabases;
import io.labctl.protocol.environments.CloudInfo;
import io.labctl.protocol.environments.EnvironmentInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Environments and clouds on a real PostgreSQL, with tables of other capabilities planted before the first start. */
class EnvironmentServiceTest {
    @TempDir
    static Path dir;
    static Database db;
    static Schema schema;
    static EnvironmentService environments;
    /** What a capability reports in each environment, as a registry or the clusters would. */
    static final Map<String, List<EnvironmentInfo.Contents>> reported = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabases.start(dir.resolve("pg"));
        // what labd 0.1 and the earlier capabilities left: environments named as strings only
        TestDatabases.sql(db, "CREATE TABLE join_tokens (cloud VARCHAR(253), environment VARCHAR(253))");
        TestDatabases.sql(db, "INSERT INTO join_tokens VALUES ('baremetal', 'lab'), (NULL, 'staging'), (NULL, NULL),"
                + " ('aws', 'prod'), ('aws', 'prod'), ('gcp', 'prod')");
        TestDatabases.sql(db, "CREATE TABLE servers (cloud VARCHAR(253), environment VARCHAR(253), role VARCHAR(253))");
        TestDatabases.sql(db, "INSERT INTO servers VALUES ('aws', 'prod', NULL), (NULL, 'rack-2', 'bastion'),"
                + " ('aws', 'edge', 'bastion')");
        TestDatabases.sql(db, "CREATE TABLE kube_clusters (cloud VARCHAR(253), environment VARCHAR(253))");
        TestDatabases.sql(db, "INSERT INTO kube_clusters VALUES ('local', 'dev')");
        // a machines table that is not provisioning's (no environment column): not read, no failure
        TestDatabases.sql(db, "CREATE TABLE machines (serial TEXT PRIMARY KEY)");
        // labd 0.1 left unused tables of these names, of another shape: the capability's own are beside them
        TestDatabases.sql(db, "CREATE TABLE clouds (id UUID PRIMARY KEY, name VARCHAR(253) NOT NULL UNIQUE)");
        TestDatabases.sql(db, "CREATE TABLE environments (id UUID PRIMARY KEY, cloud_id UUID NOT NULL REFERENCES"
                + " clouds (id), name VARCHAR(253) NOT NULL)");
        schema = TestDatabases.schema(db, "environments");
        environments = new EnvironmentService(db, schema);
        environments.addContents((env, limit) -> reported.getOrDefault(env, List.of()));
    }

    @AfterAll
    static void stop() throws Exception {
        TestDatabases.stop(db);
    }

    @Test
    void theEnvironmentsAlreadyInUseAreAdoptedOnceEachUnderOneCloud() throws Exception {
        assertEquals("baremetal", environments.require("lab").cloud());
        assertEquals("baremetal", environments.require("staging").cloud(), "no cloud named: baremetal");
        assertEquals("baremetal", environments.require("rack-2").cloud(), "a bastion's environment");
        assertEquals("baremetal", environments.require("edge").cloud(), "a bastion's environment, whatever its row says");
        assertEquals("aws", environments.require("prod").cloud(), "3 rows say aws, 1 says gcp: the most");
        assertEquals("local", environments.require("dev").cloud());
        assertEquals("labd (adopted)", environments.require("dev").createdBy());
        String notes = TestDatabases.column(db, "SELECT notes FROM env_adoptions").get(0);
        assertTrue(notes.contains("prod is used under clouds") && notes.contains("adopted under aws"), notes);

        // a second start adopts nothing more, even what is used meanwhile (it would bring deleted names back)
        TestDatabases.sql(db, "INSERT INTO join_tokens VALUES ('baremetal', 'later')");
        new EnvironmentService(db, schema);
        assertTrue(environments.find("later").isEmpty());
        assertEquals(List.of(), TestDatabases.column(db, "SELECT name FROM env_clouds WHERE name = 'gcp'"),
                "the cloud that lost prod has no environment, so it is no cloud record either");
    }

    @Test
    void baremetalAndLocalExistFromTheStartAndNamesAreUniqueAcrossClouds() {
        List<String> clouds = environments.clouds().stream().map(CloudInfo::name).toList();
        assertTrue(clouds.containsAll(List.of("baremetal", "local")), clouds.toString());
        assertTrue(environments.clouds().stream().filter(c -> c.name().equals("local")).findFirst().orElseThrow()
                .builtin());

        EnvironmentInfo made = environments.create("qa", "local", "alice");
        assertEquals("local", made.cloud());
        assertEquals("alice", made.createdBy());
        ApiException taken = assertThrows(ApiException.class, () -> environments.create("qa", "baremetal", "bob"));
        assertEquals(409, taken.status());
        assertTrue(taken.getMessage().contains("under cloud local"), taken.getMessage());

        // a cloud comes with its first environment and goes with its last
        environments.create("eu-1", "hetzner", "alice");
        assertTrue(environments.clouds().stream().anyMatch(c -> c.name().equals("hetzner")
                && c.environments().equals(List.of("eu-1"))));
        environments.delete("eu-1");
        assertTrue(environments.clouds().stream().noneMatch(c -> c.name().equals("hetzner")));

        ApiException bad = assertThrows(ApiException.class, () -> environments.create("Bad Name", "local", "alice"));
        assertEquals(400, bad.status());
        assertTrue(bad.getMessage().contains("environment name 'Bad Name' is not valid"), bad.getMessage());
        assertEquals(400, assertThrows(ApiException.class, () -> environments.create("x1", "../etc", "a")).status());
    }

    @Test
    void aRequestNamingAnEnvironmentGetsItsCloudAndATypoIsAnError() {
        environments.create("typo-check", "local", "alice");
        assertEquals("local", environments.cloudOf("typo-check", null), "--cloud left out: the environment's");
        assertEquals("local", environments.cloudOf("typo-check", "local"));
        ApiException mismatch = assertThrows(ApiException.class, () -> environments.cloudOf("typo-check", "baremetal"));
        assertEquals("cloud-mismatch", mismatch.code());
        assertTrue(mismatch.getMessage().contains("is under cloud local, not baremetal"), mismatch.getMessage());

        ApiException typo = assertThrows(ApiException.class, () -> environments.cloudOf("typo-chek", null));
        assertEquals(400, typo.status());
        assertEquals("unknown-environment", typo.code());
        assertTrue(typo.getMessage().contains("labctl create environment typo-chek --cloud CLOUD"), typo.getMessage());

        assertEquals(null, environments.cloudOf(null, " "), "neither: a token for servers without either");
        assertEquals("baremetal", environments.cloudOf(null, "baremetal"));
        assertEquals("unknown-cloud", assertThrows(ApiException.class, () -> environments.cloudOf(null, "bearmetal"))
                .code());
    }

    @Test
    void ensureKeepsWhatIsThereAndRefusesTheSameNameUnderAnotherCloud() {
        assertEquals("baremetal", environments.ensure("pxe-lab", "baremetal", "bastion").cloud());
        assertEquals("bastion", environments.ensure("pxe-lab", "baremetal", "someone else").createdBy());
        environments.create("cloudy", "local", "alice");
        assertEquals(409, assertThrows(ApiException.class, () -> environments.ensure("cloudy", "baremetal", "b"))
                .status());
        assertEquals(400, assertThrows(ApiException.class, () -> environments.ensure("Bad_Name", "baremetal", "b"))
                .status(), "a bad name from a bastion's configuration is an answer, not a loop");
    }

    @Test
    void describeShowsWhatIsInAnEnvironmentAndDeleteIsRefusedWhileAnythingIs() {
        environments.create("busy", "local", "alice");
        reported.put("busy", List.of(new EnvironmentInfo.Contents("servers", 2, List.of("web-1", "web-2")),
                new EnvironmentInfo.Contents("clusters", 1, List.of("k3s"))));
        EnvironmentInfo described = environments.describe("busy");
        assertEquals(List.of("clusters", "servers"), described.contents().stream().map(EnvironmentInfo.Contents::kind)
                .toList());

        ApiException refused = assertThrows(ApiException.class, () -> environments.delete("busy"));
        assertEquals(409, refused.status());
        assertTrue(refused.getMessage().contains("1 clusters (k3s); 2 servers (web-1, web-2)"), refused.getMessage());
        assertTrue(environments.find("busy").isPresent(), "nothing half-done");

        reported.remove("busy");
        assertEquals("busy", environments.delete("busy").name());
        assertTrue(environments.find("busy").isEmpty());
        assertEquals(404, assertThrows(ApiException.class, () -> environments.describe("busy")).status());
    }

    @Test
    void aCapabilityThatCannotAnswerNeverMakesAnEnvironmentLookEmpty() {
        environments.create("unsure", "local", "alice");
        EnvironmentContents broken = (env, limit) -> {
            throw new IllegalStateException("registry database timeout");
        };
        environments.addContents(broken);
        try {
            ApiException e = assertThrows(ApiException.class, () -> environments.delete("unsure"));
            assertEquals(503, e.status());
            assertTrue(environments.find("unsure").isPresent());
        } finally {
            environments.removeContents(broken);
        }
    }
}
