package io.labctl.cli.cmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.cli.testsupport.TestCli;
import io.labctl.cli.testsupport.TestLabd;
import io.labctl.cli.testsupport.TestPki;
import io.labctl.protocol.Json;
import io.labctl.protocol.modules.RepoEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** labctl repo list|push|remove against a stand-in labd over real mutual TLS. */
class RepoCommandTest {
    private static final RepoEntry K3S = new RepoEntry("k3s", "v1.30.2+k3s1", RepoEntry.ARTIFACT, "0123456789ab".repeat(5)
            + "cdef", 5L << 20, "admin", Instant.parse("2026-11-26T10:00:00Z"), null);
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

    @Test
    void listIsATableWithAShortDigestOrTheWholeEntryAsJson() throws Exception {
        labd.on("GET", "/api/v1/repo", 200, List.of(K3S));
        TestCli.Result table = cli.run("repo", "list");
        assertEquals(0, table.code(), table.toString());
        List<String> lines = table.out().lines().toList();
        assertTrue(lines.get(0).matches("NAME +VERSION +KIND +SIZE +SHA256 +UPLOADED-BY +AGE"), table.out());
        assertTrue(lines.get(1).matches("k3s +v1\\.30\\.2\\+k3s1 +artifact +5 MiB +0123456789ab +admin +\\S+"), table.out());

        TestCli.Result json = cli.run("repo", "list", "-o", "json");
        assertEquals(K3S.sha256(), Json.json().readTree(json.out()).get(0).get("sha256").asText());
        assertEquals(2, cli.run("repo", "list", "-o", "xml").code());
    }

    @Test
    void listAsNamesIsOneNameSlashVersionALineAsRemoveTakesIt() throws Exception {
        RepoEntry web = new RepoEntry("web", "1.1.0", "module", K3S.sha256(), 1024, "admin", K3S.uploadedAt(), null);
        labd.on("GET", "/api/v1/repo", 200, List.of(K3S, web));
        TestCli.Result names = cli.run("repo", "list", "-o", "name");
        assertEquals(0, names.code(), names.toString());
        assertEquals("k3s/v1.30.2+k3s1\nweb/1.1.0\n", names.out());
    }

    @Test
    void pushSendsTheFileWithItsNameAndSaysWhetherItWasNew() throws Exception {
        Path file = Files.writeString(home.resolve("k3s"), "binary content");
        labd.on("POST", "/api/v1/repo", 201, K3S);
        TestCli.Result created = cli.run("repo", "push", file.toString(), "--name", "k3s", "--version", "v1.30.2+k3s1");
        assertEquals(0, created.code(), created.toString());
        assertEquals("pushed k3s/v1.30.2+k3s1 (artifact, 5 MiB, sha256 " + K3S.sha256() + ")\n", created.out());
        TestLabd.Recorded request = labd.requests.get(0);
        assertEquals("file=k3s&name=k3s&version=v1.30.2%2Bk3s1", request.query());
        assertEquals("binary content", request.body());

        labd.on("POST", "/api/v1/repo", 200, K3S);
        TestCli.Result again = cli.run("repo", "push", file.toString(), "--name", "k3s", "--version", "v1.30.2+k3s1");
        assertTrue(again.out().startsWith("k3s/v1.30.2+k3s1 unchanged"), again.out());
    }

    @Test
    void labdsRefusalIsShownWithExitCode1() throws Exception {
        Path file = Files.writeString(home.resolve("m.jar"), "x");
        labd.on("POST", "/api/v1/repo", 409, "{\"code\":\"repo-entry-exists\",\"message\":\"motd/1.0.0 is already in the"
                + " repository with other content\",\"requestId\":\"r\"}");
        TestCli.Result r = cli.run("repo", "push", file.toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("motd/1.0.0 is already in the repository with other content"), r.err());
    }

    @Test
    void badInputIsAUsageErrorAndNothingIsSent() throws Exception {
        assertEquals(2, cli.run("repo", "push", home.resolve("missing.jar").toString()).code());
        Path file = Files.writeString(home.resolve("f"), "x", StandardCharsets.UTF_8);
        TestCli.Result badName = cli.run("repo", "push", file.toString(), "--name", "K3s", "--version", "1");
        assertEquals(2, badName.code());
        assertTrue(badName.err().contains("--name 'K3s' is not valid"), badName.err());
        TestCli.Result badRef = cli.run("repo", "remove", "k3s");
        assertEquals(2, badRef.code());
        assertTrue(badRef.err().contains("'k3s' is not NAME/VERSION"), badRef.err());
        assertTrue(labd.requests.isEmpty());
    }

    @Test
    void removeNamesTheEntryInThePath() {
        labd.on("DELETE", "/api/v1/repo/k3s/v1.30.2+k3s1", 200, K3S);
        TestCli.Result r = cli.run("repo", "remove", "k3s/v1.30.2+k3s1");
        assertEquals(0, r.code(), r.toString());
        assertEquals("removed k3s/v1.30.2+k3s1\n", r.out());
    }

    @Test
    void helpHasExamples() {
        for (String verb : List.of("list", "push", "remove")) {
            TestCli.Result help = cli.run("repo", verb, "--help");
            assertEquals(0, help.code(), help.toString());
            assertTrue(help.out().contains("Examples:"), help.out());
        }
    }
}
