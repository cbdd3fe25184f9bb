package io.labctl.modules.bastion.internal;

import static io.labctl.modules.support.ModuleFixture.assertStatus;
import static io.labctl.protocol.modules.ResourceResult.CHANGED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.module.engine.EngineRun;
import io.labctl.module.testkit.Machine;
import io.labctl.modules.support.ModuleFixture;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bastion module on a real Debian machine with systemd, with the lab-agent distribution this build made: the
 * agent is unpacked, boots the bastion feature under the module's unit and serves boot HTTP. No labd is reachable,
 * which the bastion tolerates (it serves discovery until it can enrol). Skipped where no machine can boot or the
 * lab-agent distribution has not been built.
 */
class BastionMachineTest {
    static final Path DISTRIBUTION = Path.of(System.getProperty("lab.agent.distribution",
            "../../karaf-assembly/lab-agent/target/lab-agent-0.1.0-SNAPSHOT.tar.gz"));
    static final String DATA = "/var/lib/labctl/bastion";
    static final Duration SERVING_TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    Path unused;

    @Test
    void theUnpackedAgentServesAsABastionUnderTheModulesUnitAndIsRemoved() throws Exception {
        Machine.assumeAvailable();
        Assumptions.assumeTrue(Files.isRegularFile(DISTRIBUTION), "build karaf-assembly/lab-agent first");
        byte[] distribution = Files.readAllBytes(DISTRIBUTION);
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        ModuleFixture fixture = ModuleFixture.of(new BastionModule(), unused).server("mod-bastion")
                .set("labdUrl", "https://127.0.0.1:9")
                .set("token", "lab1.none.NOTUSED.pin")
                .set("interface", "lo")
                .set("address", "127.0.0.1")
                .set("dhcpMode", "off")
                .set("installerPackage", "") // 40 MB of installer images: not needed to start
                .set("httpPort", Integer.toString(port))
                .set("javaHome", Machine.javaHome().toString())
                .set("agentVersion", "0.1.0")
                .set("agentSha256", BastionModuleTest.sha256(distribution))
                .artifact(BastionModule.DISTRIBUTION, "0.1.0", distribution);
        try (Machine machine = Machine.create("mod-bastion").hostJdk().start()) {
            EngineRun first = fixture.tester().machine(machine).apply();
            assertEquals(0, first.failed(), ModuleFixture.describe(first));
            assertStatus(first, "package:ipxe", CHANGED);
            assertStatus(first, "command:unpack-bastion-agent", CHANGED);
            assertStatus(first, "command:boot-bastion-feature", CHANGED);
            Path etc = machine.root().resolve(DATA.substring(1) + "/agent/etc");
            assertTrue(Files.readString(etc.resolve("io.labctl.agent.cfg")).contains("name = bastion-mod-bastion\n"),
                    "the module's agent configuration, not the distribution's");
            assertTrue(Files.readString(etc.resolve("org.apache.karaf.features.cfg")).contains("    lab-agent-bastion, \\\n"));
            assertTrue(serves("http://127.0.0.1:" + port + "/boot.ipxe"), () -> "no boot HTTP within " + SERVING_TIMEOUT
                    + "\n" + diagnostics(machine));
            assertTrue(fixture.tester().machine(machine).health().isHealthy());

            EngineRun second = fixture.tester().machine(machine).apply();
            assertEquals(0, second.changed(), ModuleFixture.describe(second));

            EngineRun removed = fixture.tester().machine(machine).remove();
            assertEquals(0, removed.failed(), ModuleFixture.describe(removed));
            assertNotEquals(0, machine.run("systemctl", "is-active", "--quiet", BastionModule.UNIT).exitCode());
            assertFalse(fixture.tester().machine(machine).health().isHealthy());
            assertFalse(Files.exists(etc.resolve("io.labctl.bastion.cfg")));
            assertFalse(Files.exists(machine.root().resolve("etc/systemd/system/" + BastionModule.UNIT)));
            assertTrue(Files.exists(etc.resolve("../bin/lab-agent")), "the unpacked agent stays");
        }
    }

    static String diagnostics(Machine machine) {
        try {
            return machine.run("journalctl", "--no-pager", "-n", "40", "-u", BastionModule.UNIT).stdout()
                    + machine.run("sh", "-c", "tail -n 60 " + DATA + "/agent/data/log/*.log").stdout();
        } catch (IOException e) {
            return "(no diagnostics: " + e.getMessage() + ")";
        }
    }

    static boolean serves(String url) throws InterruptedException {
        Instant deadline = Instant.now().plus(SERVING_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
                c.setConnectTimeout(1000);
                c.setReadTimeout(2000);
                if (c.getResponseCode() == 200) {
                    return true;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        return false;
    }
}
