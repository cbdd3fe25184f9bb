package io.labctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.cli.testsupport.TestCli;
import io.labctl.cli.testsupport.TestLabd;
import io.labctl.cli.testsupport.TestPki;
import io.labctl.protocol.sources.BuildInfo;
import io.labctl.protocol.sources.CredentialInfo;
import io.labctl.protocol.sources.SourceInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Credentials and custom modules from git, against a canned labd: what is sent, shown, and the exit codes. */
class SourcesCommandsTest {
    static final String ID = "3f9a2c71-0000-4000-8000-000000000001";
    @TempDir
    Path home;
    TestLabd labd;
    TestCli cli;

    @BeforeEach
    void start() throws Exception {
        labd = new TestLabd(TestPki.get());
        cli = new TestCli(home).withContext(TestPki.get(), labd.url());
    }

    @AfterEach
    void stop() {
        labd.close();
    }

    static BuildInfo build(String state, String step, String detail, String log) {
        return new BuildInfo(ID, "motd", "https://git.example/motd.git", "main", "5d0c1e2a9b7f00112233", state, step,
                detail, BuildInfo.SUCCEEDED.equals(state) ? "1.1.0" : null, BuildInfo.SUCCEEDED.equals(state) ? "ab12" : null,
                "admin", Instant.parse("2025-06-01T11:59:00Z"), BuildInfo.RUNNING.equals(state) ? null
                : Instant.parse("2025-06-01T11:59:21Z"), log);
    }

    @Test
    void aCredentialIsReadFromItsFileAndNeverPrinted() throws Exception {
        Path token = Files.writeString(home.resolve("token"), "s3cr3t\n");
        labd.on("POST", CredentialInfo.PATH, 201, new CredentialInfo("gitea", "token", "admin", TestCli.NOW, List.of()));
        TestCli.Result r = cli.run("create", "credential", "gitea", "--token-file", token.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("credential/gitea created"), r.out());
        assertFalse(r.out().contains("s3cr3t") || r.err().contains("s3cr3t"));
        assertTrue(labd.requests.get(0).body().contains("\"secret\":\"s3cr3t\\n\""), labd.requests.get(0).body());

        assertEquals(2, cli.run("create", "credential", "gitea").code(), "a secret is required");
        assertEquals(2, cli.run("create", "credential", "gitea", "--token-file", token.toString(), "--ssh-key",
                token.toString()).code(), "one secret only");
        assertEquals(2, cli.run("create", "credential", "gitea", "--token-file", home.resolve("none").toString()).code());
        assertEquals(2, cli.run("create", "credential", "Bad_Name", "--token-file", token.toString()).code());
        assertEquals(1, labd.requests.size(), "nothing sent on a usage error");
    }

    @Test
    void credentialsAreListedAndDeleted() {
        labd.on("GET", CredentialInfo.PATH, 200, List.of(new CredentialInfo("gitea", "token", "admin", TestCli.NOW, List.of("motd"))));
        TestCli.Result r = cli.run("get", "credentials");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().startsWith("NAME    KIND    USED-BY   CREATED-BY"), r.out());
        labd.on("DELETE", CredentialInfo.PATH + "/gitea", 200, new CredentialInfo("gitea", "token", "admin", TestCli.NOW, List.of()));
        assertEquals(0, cli.run("delete", "credential/gitea").code());
        assertEquals(2, cli.run("delete", "credential/Not_Valid").code());
    }

    @Test
    void aSourceIsDeletedAndItsNameCheckedFirst() {
        labd.on("DELETE", SourceInfo.PATH + "/motd", 200, null);
        TestCli.Result r = cli.run("delete", "source/motd");
        assertEquals(0, r.code(), r.toString());
        assertEquals("source/motd deleted (its published versions stay)\n", r.out());
        int sent = labd.requests.size();
        assertEquals(2, cli.run("delete", "source/Not_Valid").code(), "a bad name is refused");
        assertEquals(sent, labd.requests.size(), "before anything is sent");
        TestCli.Result unknown = cli.run("delete", "sources", "tree");   // no canned answer: labd's 404
        assertEquals(1, unknown.code(), unknown.toString());
    }

    @Test
    void addFollowsTheBuildToItsEnd() {
        labd.on("POST", SourceInfo.PATH, 202, build(BuildInfo.RUNNING, null, null, ""));
        labd.on("GET", BuildInfo.PATH + "/" + ID, 200, build(BuildInfo.SUCCEEDED, null, "published motd/1.1.0",
                "[labd] (+0.3 s) checked out 5d0c1e2a9b7f00112233\n[INFO] BUILD SUCCESS\n"));
        TestCli.Result r = cli.run("modules", "add", "motd", "--git", "https://git.example/motd.git", "--ref", "main");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("published motd/1.1.0 from commit 5d0c1e2a9b7f (build " + ID + ", in 21 s"), r.out());
        assertTrue(r.err().contains("(+0.3 s) checked out") && !r.err().contains("BUILD SUCCESS"), r.err());
        assertTrue(labd.requests.get(0).body().contains("\"url\":\"https://git.example/motd.git\""));
    }

    @Test
    void appsAreAddedAndListedApartFromModules() {
        labd.on("POST", SourceInfo.PATH, 202, build(BuildInfo.RUNNING, null, null, ""));
        labd.on("GET", BuildInfo.PATH + "/" + ID, 200, build(BuildInfo.SUCCEEDED, null, "published web/1.0.0", ""));
        TestCli.Result r = cli.run("apps", "add", "web", "--git", "https://git.example/web.git");
        assertEquals(0, r.code(), r.toString());
        assertTrue(labd.requests.get(0).body().contains("\"kind\":\"app\""), labd.requests.get(0).body());
        cli.run("modules", "add", "motd", "--git", "https://git.example/motd.git");
        assertTrue(labd.requests.get(2).body().contains("\"kind\":\"module\""), labd.requests.get(2).body());

        labd.on("GET", SourceInfo.PATH, 200, List.of(
                new SourceInfo("motd", "https://git.example/motd.git", "main", null, "5d0c1e2a9b7f00112233", "1.1.0",
                        "admin", TestCli.NOW, null, null, ID, "succeeded", "module"),
                new SourceInfo("web", "https://git.example/web.git", "main", null, "77aa1e2a9b7f00112233", "1.0.0",
                        "admin", TestCli.NOW, null, null, ID, "succeeded", "app")));
        TestCli.Result apps = cli.run("apps", "sources");
        assertTrue(apps.out().contains("web ") && !apps.out().contains("motd"), apps.out());
        TestCli.Result modules = cli.run("modules", "sources");
        assertTrue(modules.out().contains("motd ") && !modules.out().contains("web "), modules.out());
        assertTrue(cli.run("apps", "add", "--help").out().contains("runnable app jar"));
    }

    @Test
    void aFailedBuildExitsOneNamingTheStepAndItsLog() {
        labd.on("POST", SourceInfo.PATH + "/motd/update", 202, build(BuildInfo.RUNNING, null, null, ""));
        labd.on("GET", BuildInfo.PATH + "/" + ID, 200, build(BuildInfo.FAILED, "test", "no test ran", ""));
        TestCli.Result r = cli.run("modules", "update", "motd");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("failed at test") && r.err().contains("labctl logs build/" + ID), r.err());
    }

    @Test
    void usageErrorsSendNothing() {
        assertEquals(2, cli.run("modules", "add", "Motd", "--git", "https://git.example/motd.git").code());
        assertEquals(2, cli.run("modules", "add", "motd").code());
        assertEquals(2, cli.run("modules", "add", "motd", "--git", "https://x/y.git", "--ref", "--upload-pack=x").code());
        assertEquals(2, cli.run("logs", "build/xyz").code());
        assertTrue(labd.requests.isEmpty());
    }

    @Test
    void sourcesAndABuildLog() {
        labd.on("GET", SourceInfo.PATH, 200, List.of(new SourceInfo("motd", "https://git.example/motd.git", "main", null,
                "5d0c1e2a9b7f00112233", "1.1.0", "admin", TestCli.NOW, null, null, ID, "succeeded", "module")));
        TestCli.Result r = cli.run("modules", "sources");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("motd   https://git.example/motd.git   main   5d0c1e2a9b7f"), r.out());
        labd.on("GET", BuildInfo.PATH + "/3f9a2c71", 200, build(BuildInfo.SUCCEEDED, null, null, "[INFO] BUILD SUCCESS\n"));
        TestCli.Result log = cli.run("logs", "build/3f9a2c71");
        assertEquals(0, log.code(), log.toString());
        assertTrue(log.out().startsWith("[INFO] BUILD SUCCESS\npublished motd/1.1.0"), log.out());
    }
}
