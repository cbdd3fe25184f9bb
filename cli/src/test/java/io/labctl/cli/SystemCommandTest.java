package io.labctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.cli.testsupport.TestCli;
import io.labctl.cli.testsupport.TestLabd;
import io.labctl.cli.testsupport.TestPki;
import io.labctl.protocol.ApiError;
import io.labctl.protocol.Json;
import io.labctl.protocol.Progress;
import io.labctl.protocol.SystemChange;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** labctl system upgrade|install|uninstall against a stand-in labd over mutual TLS. */
class SystemCommandTest {
    static final String SHA = "ab".repeat(32);

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
    void upgradeSendsFeatureAndVersionAndPrintsOneRowWithTheDigest() throws Exception {
        labd.on("POST", "/api/v1/system/upgrade", 200, new SystemChange.Result("labd-exec", "0.1.0", "0.2.0",
                SystemChange.UPGRADED, "io.labctl.exec", SHA, SystemChange.FROM_REPOSITORY, 1234,
                "upgraded from 0.1.0 to 0.2.0; active"));
        TestCli.Result r = cli.run("system", "upgrade", "exec", "--to", "0.2.0");
        assertEquals(0, r.code(), r.toString());
        List<String> lines = r.out().lines().map(String::stripTrailing).toList();
        assertEquals("FEATURE     RESULT     FROM    TO      SOURCE       TIME     MESSAGE", lines.get(0));
        assertTrue(lines.get(1).matches("labd-exec +upgraded +0\\.1\\.0 +0\\.2\\.0 +repository +1234ms +upgraded from .*"),
                lines.get(1));
        assertEquals("io.labctl.exec sha256:" + SHA, lines.get(2));
        assertEquals(new SystemChange.Request("exec", "0.2.0"), Json.json().readValue(
                labd.requests.get(labd.requests.size() - 1).body(), SystemChange.Request.class));
    }

    @Test
    void aRollbackExitsOneAndJsonCarriesTheWholeAnswer() throws Exception {
        SystemChange.Result back = new SystemChange.Result("labd-exec", "0.2.0", "0.2.0", SystemChange.ROLLED_BACK,
                "io.labctl.exec", SHA, SystemChange.FROM_REPOSITORY, 30500,
                "version 0.2.1 is not healthy (failed: component X waits for com.example.NoSuchService); 0.2.0 runs again");
        labd.on("POST", "/api/v1/system/upgrade", 200, back);
        TestCli.Result r = cli.run("system", "upgrade", "labd-exec", "--to", "0.2.1", "-o", "json");
        assertEquals(1, r.code(), r.toString());
        assertEquals(back, Json.json().readValue(r.out(), SystemChange.Result.class));
    }

    @Test
    void installAndUninstallSendTheirRequestsAndRefusalsSayWhy() throws Exception {
        labd.on("POST", "/api/v1/system/install", 200, new SystemChange.Result("labd-notes", null, "0.1.0",
                SystemChange.INSTALLED, "com.example.notes", SHA, SystemChange.FROM_REPOSITORY, 800, "installed; active"));
        TestCli.Result r = cli.run("system", "install", "labd-notes", "--version", "0.1.0", "-o", "yaml");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("result: \"installed\"") || r.out().contains("result: installed"), r.out());
        assertEquals(new SystemChange.Request("labd-notes", "0.1.0"), Json.json().readValue(
                labd.requests.get(labd.requests.size() - 1).body(), SystemChange.Request.class));

        labd.on("POST", "/api/v1/system/uninstall", 409, new ApiError("feature-needed",
                "labd-provisioning is needed by labd-bastion: uninstall those first", "r1"));
        r = cli.run("system", "uninstall", "provisioning");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("needed by labd-bastion: uninstall those first"), r.err());
        assertEquals(new SystemChange.Request("provisioning", null), Json.json().readValue(
                labd.requests.get(labd.requests.size() - 1).body(), SystemChange.Request.class));
    }

    @Test
    void theStepsGoToStderrAsTheyComeAndTheRowToStdout() throws Exception {
        SystemChange.Result done = new SystemChange.Result("labd-exec", "0.1.0", "0.2.0", SystemChange.UPGRADED,
                "io.labctl.exec", SHA, SystemChange.FROM_REPOSITORY, 41234, "upgraded from 0.1.0 to 0.2.0; active");
        labd.onLines("POST", "/api/v1/system/upgrade",
                Progress.step("fetched", "labd-exec 0.2.0 from labd's repository, SHA-256 " + SHA + " checked"),
                Progress.step("installed", "labd-exec 0.2.0 installed by Karaf in place of 0.1.0"),
                Progress.step("health", "waiting up to 60 s for labd-exec 0.2.0 to be active"),
                Progress.keepAlive(), Progress.keepAlive(), Progress.step("healthy", "labd-exec 0.2.0 is active"),
                Progress.fin(done));
        TestCli.Result r = cli.run("system", "upgrade", "labd-exec", "--to", "0.2.0");
        assertEquals(0, r.code(), r.toString());
        assertEquals(List.of("fetched: labd-exec 0.2.0 from labd's repository, SHA-256 " + SHA + " checked",
                "installed: labd-exec 0.2.0 installed by Karaf in place of 0.1.0",
                "health: waiting up to 60 s for labd-exec 0.2.0 to be active",
                "healthy: labd-exec 0.2.0 is active"), r.err().lines().toList());
        assertTrue(r.out().contains("upgraded from 0.1.0 to 0.2.0; active"), r.out());

        r = cli.run("system", "upgrade", "labd-exec", "--to", "0.2.0", "-o", "yaml");
        assertEquals(done, Json.yaml().readValue(r.out(), SystemChange.Result.class));

        labd.onLines("POST", "/api/v1/system/upgrade", Progress.step("fetched", "labd-exec 0.2.0"),
                Progress.error(409, "feature-not-installable", "labd-exec 0.2.0 cannot be installed: missing requirement;"
                        + " nothing was changed, 0.1.0 runs on"));
        r = cli.run("system", "upgrade", "labd-exec", "--to", "0.2.0");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("cannot be installed: missing requirement"), r.err());
    }

    @Test
    void badUsageSendsNothing() {
        assertEquals(2, cli.run("system", "upgrade", "labd-exec").code(), "no --to");
        assertEquals(2, cli.run("system", "upgrade", "--to", "0.2.0").code(), "no feature");
        assertEquals(2, cli.run("system", "upgrade", "labd-exec", "--to", " ").code(), "blank version");
        assertEquals(2, cli.run("system", "uninstall").code());
        assertEquals(2, cli.run("system", "install", "labd-exec", "-o", "wide").code());
        assertEquals(2, cli.run("system").code());
        assertTrue(labd.requests.isEmpty(), labd.requests.toString());
    }
}
