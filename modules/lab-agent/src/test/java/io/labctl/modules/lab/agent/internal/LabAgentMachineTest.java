package io.labctl.modules.lab.agent.internal;

import static io.labctl.modules.support.ModuleFixture.assertStatus;
import static io.labctl.protocol.modules.ResourceResult.CHANGED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.module.engine.EngineRun;
import io.labctl.module.testkit.Machine;
import io.labctl.modules.support.ModuleFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab-agent module on a real Debian machine with systemd and the lab-agent distribution this build made: the
 * unit runs bin/lab-agent on the given JDK, and a changed setting restarts it. No labd is reachable (the agent
 * keeps trying, which is all this needs). Skipped where no machine can boot or the distribution is not built.
 */
class LabAgentMachineTest {
    static final Path DISTRIBUTION = Path.of(System.getProperty("lab.agent.distribution",
            "../../karaf-assembly/lab-agent/target/lab-agent-0.1.0-SNAPSHOT.tar.gz"));

    @TempDir
    Path unused;

    ModuleFixture fixture(String heartbeat) {
        return ModuleFixture.of(new LabAgentModule(), unused).server("mod-lab-agent")
                .set("serverUrl", "https://127.0.0.1:9")
                .set("javaHome", Machine.javaHome().toString())
                .set("heartbeatSeconds", heartbeat);
    }

    @Test
    void theUnitRunsTheAgentOnTheGivenJdkAndRestartsItWhenASettingChanges() throws Exception {
        Machine.assumeAvailable();
        Assumptions.assumeTrue(Files.isRegularFile(DISTRIBUTION), "build karaf-assembly/lab-agent first");
        try (Machine machine = Machine.create("mod-lab-agent").hostJdk().start()) {
            Path home = machine.root().resolve("opt/lab-agent");
            Files.createDirectories(home);
            Process untar = new ProcessBuilder("tar", "-xzf", DISTRIBUTION.toString(), "-C", home.toString(),
                    "--strip-components=1").inheritIO().start();
            assertTrue(untar.waitFor(60, TimeUnit.SECONDS) && untar.exitValue() == 0, "unpacked");

            EngineRun first = fixture("5").tester().machine(machine).apply();
            assertEquals(0, first.failed(), ModuleFixture.describe(first));
            assertEquals("active", machine.run("systemctl", "is-active", LabAgentModule.UNIT).stdout().strip());
            String pid = mainPid(machine);
            String commandLine = commandLineOnceExecd(machine, pid);
            assertTrue(commandLine.startsWith(Machine.javaHome() + "/bin/java "), commandLine);
            assertTrue(commandLine.contains("-Dkaraf.home=/opt/lab-agent "), commandLine);

            assertEquals(0, fixture("5").tester().machine(machine).apply().changed());

            EngineRun changed = fixture("7").tester().machine(machine).apply();
            assertStatus(changed, "file:/opt/lab-agent/etc/io.labctl.agent.cfg", CHANGED);
            assertTrue(ModuleFixture.result(changed, "service:" + LabAgentModule.UNIT).diff().contains("restart"));
            assertNotEquals(pid, mainPid(machine), "restarted");
            assertEquals(List.of(), fixture("7").tester().machine(machine).remove().results(), "removal leaves it");
            assertEquals("active", machine.run("systemctl", "is-active", LabAgentModule.UNIT).stdout().strip());
        }
    }

    /** bin/lab-agent is a shell script that execs the JVM: the same process, once it has. */
    static String commandLineOnceExecd(Machine machine, String pid) throws Exception {
        String commandLine = "";
        for (int i = 0; i < 60; i++) {
            commandLine = machine.ok("cat", "/proc/" + pid + "/cmdline").replace('\0', ' ');
            if (!commandLine.startsWith("/bin/sh ")) {
                break;
            }
            Thread.sleep(500);
        }
        return commandLine;
    }

    static String mainPid(Machine machine) throws Exception {
        return machine.ok("systemctl", "show", "-p", "MainPID", "--value", LabAgentModule.UNIT).strip();
    }
}
