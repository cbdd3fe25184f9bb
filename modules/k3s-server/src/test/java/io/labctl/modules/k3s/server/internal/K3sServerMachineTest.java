package io.labctl.modules.k3s.server.internal;

import static io.labctl.modules.support.ModuleFixture.assertNoSecret;
import static io.labctl.modules.support.ModuleFixture.assertStatus;
import static io.labctl.protocol.modules.ResourceResult.CHANGED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.module.engine.EngineRun;
import io.labctl.module.testkit.Machine;
import io.labctl.modules.support.K3sNode;
import io.labctl.modules.support.ModuleFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The k3s-server module on a real Debian machine with systemd: the unit runs what the module installed as k3s
 * (the stand-in, since no k3s binary can be had here), restarts on a configuration change, and goes on removal.
 * Skipped where no machine can boot (not root, no systemd-nspawn).
 */
class K3sServerMachineTest {
    static final String NODE = "mod-k3s-server";

    @TempDir
    Path unused;

    ModuleFixture fixture(String token) {
        return ModuleFixture.of(new K3sServerModule(), unused).server(NODE)
                .set("version", K3sStandin.VERSION)
                .set("sha256", K3sStandin.sha256())
                .set("token", token)
                .artifact(K3sNode.ARTIFACT, K3sStandin.VERSION, K3sStandin.bytes());
    }

    @Test
    void theUnitRunsTheInstalledBinaryIsReadyRestartsOnAChangeAndIsRemoved() throws Exception {
        Machine.assumeAvailable();
        try (Machine machine = Machine.boot(NODE)) {
            EngineRun first = fixture("K10-first").tester().machine(machine).apply();
            assertEquals(0, first.failed(), ModuleFixture.describe(first));
            assertStatus(first, "service:k3s.service", CHANGED);
            assertEquals("active", machine.run("systemctl", "is-active", "k3s.service").stdout().strip());
            assertEquals("enabled", machine.run("systemctl", "is-enabled", "k3s.service").stdout().strip());
            String mainPid = machine.ok("systemctl", "show", "-p", "MainPID", "--value", "k3s.service").strip();
            assertTrue(fixture("K10-first").tester().machine(machine).health().isHealthy());
            Path log = machine.root().resolve("usr/local/bin/k3s-standin.log");
            assertTrue(Files.readString(log).contains("server\n"), Files.readString(log));
            assertTrue(Files.readString(log).contains("kubectl get node " + NODE + "\n"), Files.readString(log));

            EngineRun second = fixture("K10-first").tester().machine(machine).apply();
            assertEquals(0, second.changed(), ModuleFixture.describe(second));

            EngineRun newToken = fixture("K10-second").tester().machine(machine).apply();
            assertStatus(newToken, "file:" + K3sNode.CONFIG, CHANGED);
            assertTrue(ModuleFixture.result(newToken, "service:k3s.service").diff().contains("restart k3s.service"));
            assertNoSecret(newToken, "K10-second");
            assertNotEquals(mainPid, machine.ok("systemctl", "show", "-p", "MainPID", "--value", "k3s.service").strip(),
                    "restarted");

            Files.createDirectories(machine.root().resolve("var/lib/rancher/k3s/server"));
            Files.writeString(machine.root().resolve("var/lib/rancher/k3s/server/token"), "kept");
            EngineRun removed = fixture("K10-second").tester().machine(machine).remove();
            assertEquals(0, removed.failed(), ModuleFixture.describe(removed));
            assertNotEquals(0, machine.run("systemctl", "is-active", "--quiet", "k3s.service").exitCode());
            assertFalse(Files.exists(machine.root().resolve("etc/systemd/system/k3s.service")));
            assertFalse(Files.exists(machine.root().resolve("etc/rancher/k3s/config.yaml")));
            assertTrue(Files.exists(machine.root().resolve("var/lib/rancher/k3s/server/token")), "data stays");
            assertEquals(0, fixture("K10-second").tester().machine(machine).remove().changed(), "removing twice");
        }
    }
}
