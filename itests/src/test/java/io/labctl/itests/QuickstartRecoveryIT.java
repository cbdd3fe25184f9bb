package io.labctl.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.itests.support.Cli;
import io.labctl.itests.support.Ports;
import io.labctl.itests.support.Processes;
import io.labctl.protocol.CredentialBundle;
import io.labctl.protocol.local.OrphanedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code labctl quickstart} after labd and the agent were killed with SIGKILL: labd's PostgreSQL survives them and
 * holds its port; the quick start reclaims it as labd would and comes back with the same CA and data.
 */
class QuickstartRecoveryIT {
    @TempDir
    Path dir;

    @Test
    void comesBackAfterKill9WithTheSameCaAndData() throws Exception {
        Path qs = dir.resolve("quickstart");
        Files.createDirectories(dir.resolve("cli"));
        Cli cli = new Cli(dir.resolve("cli/config.yaml"));
        int port = portWithFreeDatabasePort();
        try {
            Processes.Result first = quickstart(cli, qs, port);
            assertEquals(0, first.exitCode(), first.toString());
            Path adminBundle = qs.resolve("labd/etc/admin.labctl.yaml");
            String ca = CredentialBundle.read(adminBundle).caCertificate().toString();
            cli.ok("create", "token", "--server", "kept-across-kill", "--ttl", "1h");
            assertTrue(cli.ok("get", "tokens").contains("kept-across-kill"));

            killHard(qs.resolve("agent.pid"));
            killHard(qs.resolve("labd.pid"));
            Path data = qs.resolve("labd/data/postgresql/data");
            assertTrue(OrphanedPostgres.find(data).isPresent(), "premise: labd's PostgreSQL outlived labd");

            Processes.Result again = quickstart(cli, qs, port);
            assertEquals(0, again.exitCode(), again.toString());
            assertFalse(again.stderr().contains("--reset"), "never suggests deleting the state: " + again);
            assertTrue(again.stderr().contains("left running"), "says what it reclaimed: " + again);
            assertEquals(ca, CredentialBundle.read(adminBundle).caCertificate().toString(), "the same CA");
            assertTrue(cli.ok("get", "tokens").contains("kept-across-kill"), "the same database");
        } finally {
            Processes.run(dir, withEnv(cli, qs, "quickstart", "stop"), Duration.ofMinutes(3));
        }
    }

    /** SIGKILL to the process in the pid file and everything under it but PostgreSQL (as when the JVM is killed). */
    static void killHard(Path pidFile) throws Exception {
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        Optional<ProcessHandle> top = ProcessHandle.of(pid);
        assertTrue(top.isPresent(), "no process " + pid + " from " + pidFile);
        List<ProcessHandle> victims = new ArrayList<>(top.get().descendants()
                .filter(p -> !p.info().command().orElse("").contains("postgres")).toList());
        victims.add(top.get());
        for (ProcessHandle p : victims) {
            p.destroyForcibly();
        }
        for (ProcessHandle p : victims) {
            p.onExit().get();
        }
    }

    static Processes.Result quickstart(Cli cli, Path qs, int port) throws Exception {
        return Processes.run(qs.getParent(), withEnv(cli, qs, "quickstart", "--port", Integer.toString(port)),
                Duration.ofMinutes(8));
    }

    static List<String> withEnv(Cli cli, Path qs, String... args) {
        Path root = Path.of(System.getProperty("labctl.root")).toAbsolutePath().normalize();
        List<String> cmd = new ArrayList<>(List.of("env", "LABCTL_HOME=" + root, "LABCTL_QUICKSTART_DIR=" + qs,
                "LABCTL_SESSION=off", "LABCTL_SESSION_DIR=" + qs.resolveSibling("session")));
        cmd.addAll(cli.command(args));
        return cmd;
    }

    static int portWithFreeDatabasePort() {
        for (int i = 0; i < 50; i++) {
            int p = Ports.free();
            if (p <= 64535 && io.labctl.protocol.local.PortHolder.isFree(p + 1000)) {
                return p;
            }
        }
        throw new AssertionError("no free port pair");
    }
}
