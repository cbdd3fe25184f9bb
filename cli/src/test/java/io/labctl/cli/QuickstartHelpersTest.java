package io.labctl.cli.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.cli.testsupport.TestCli;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickstartHelpersTest {
    @TempDir
    Path dir;

    @Test
    void editsOnlyTheOneLine() throws Exception {
        Path cfg = dir.resolve("org.apache.karaf.shell.cfg");
        Files.write(cfg, List.of("# ssh", "sshPort = 8101", "sshHost = 0.0.0.0", "#sshPort = 1"));
        PropertiesFile.set(cfg, "sshPort", "8102", true);
        assertEquals(List.of("# ssh", "sshPort = 8102", "sshHost = 0.0.0.0", "#sshPort = 1"), Files.readAllLines(cfg));
        PropertiesFile.set(cfg, "new", "v", true);
        assertEquals("new = v", Files.readAllLines(cfg).get(4));
        assertEquals(Optional.of("0.0.0.0"), PropertiesFile.get(cfg, "sshHost"));
        assertEquals(false, PropertiesFile.set(cfg, "absent", "x", false));
    }

    @Test
    void hostNamesBecomeServerNames() {
        assertEquals("build-03", Quickstart.sanitize("Build_03.lab.example.com"));
        assertEquals("localhost", Quickstart.sanitize(""));
        assertEquals("localhost", Quickstart.sanitize(null));
    }

    @Test
    void freePortSkipsTakenAndBusyPorts() throws Exception {
        try (ServerSocket busy = new ServerSocket(0)) {
            int p = busy.getLocalPort();
            assertNotEquals(p, Quickstart.freePort(p, Set.of()));
            assertTrue(Quickstart.freePort(p, Set.of(p + 1)) > p + 1);
        }
    }

    @Test
    void statusWithoutStateExits1AndStopIsHarmless() {
        TestCli t = new TestCli(dir);
        t.env.put("LABCTL_QUICKSTART_DIR", dir.resolve("qs").toString());
        TestCli.Result s = t.run("quickstart", "status");
        assertEquals(1, s.code(), s.toString());
        assertTrue(s.out().contains("quickstart has not run"), s.out());
        TestCli.Result stop = t.run("quickstart", "stop");
        assertEquals(0, stop.code(), stop.toString());
        assertTrue(stop.err().contains("labd is not running"), stop.err());
    }

    @Test
    void resetNeedsYes() {
        TestCli t = new TestCli(dir);
        t.env.put("LABCTL_QUICKSTART_DIR", dir.resolve("qs").toString());
        TestCli.Result r = t.run("quickstart", "--reset");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("add --yes"), r.err());
    }

    @Test
    void tarballsFollowTheAssemblyLayout() {
        Path home = Path.of("/src/labctl");
        assertEquals(home.resolve("karaf-assembly/labd/target/labd-" + io.labctl.cli.Cli.version() + ".tar.gz"),
                Quickstart.tarball(home, "labd"));
    }

    @Test
    void anUpgradeCutShortIsFinishedWithTheStateKept() throws Exception {
        Path home = dir.resolve("labd");
        Path previous = dir.resolve("labd.previous");
        Files.createDirectories(previous.resolve("data/postgresql"));
        Files.writeString(previous.resolve("data/postgresql/PG_VERSION"), "18");
        Files.createDirectories(previous.resolve("etc"));
        Files.writeString(previous.resolve("etc/labd-master.key"), "old key");
        Files.writeString(previous.resolve("etc/config.properties"), "old build");
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/config.properties"), "new build");

        Quickstart.finishInterruptedUpgrade(home, Quickstart.LABD_STATE);

        assertEquals("18", Files.readString(home.resolve("data/postgresql/PG_VERSION")));
        assertEquals("old key", Files.readString(home.resolve("etc/labd-master.key")));
        assertEquals("new build", Files.readString(home.resolve("etc/config.properties")));
        assertTrue(Files.notExists(previous));
    }

    @Test
    void anUpgradeCutBeforeTheSwapPutsTheOldInstallationBack() throws Exception {
        Path home = dir.resolve("agent");
        Path previous = dir.resolve("agent.previous");
        Files.createDirectories(previous.resolve("identity"));
        Files.writeString(previous.resolve("identity/agent.crt"), "cert");

        Quickstart.finishInterruptedUpgrade(home, Quickstart.AGENT_STATE);

        assertEquals("cert", Files.readString(home.resolve("identity/agent.crt")));
        assertTrue(Files.notExists(previous));
    }
}
