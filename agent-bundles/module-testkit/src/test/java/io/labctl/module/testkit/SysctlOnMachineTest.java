package io.labctl.module.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.module.DesiredState;
import io.labctl.module.SysctlResource;
import io.labctl.module.engine.EngineRun;
import io.labctl.protocol.modules.ResourceResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * sysctl on a real machine. systemd-nspawn mounts /proc/sys read-only, except net.* in a machine with its own network
 * namespace: so this machine has a private network, and the key is net.ipv4.ip_forward, which is the machine's own
 * (the host's value does not move). Keys outside the machine's namespaces (kernel.*, vm.*) cannot be set in a
 * container at all; on a real server they can.
 */
class SysctlOnMachineTest {
    static final String KEY = "net.ipv4.ip_forward";
    static final Path PROC = Path.of("/proc/sys/net/ipv4/ip_forward");
    static Machine machine;

    @BeforeAll
    static void boot() throws Exception {
        Machine.assumeAvailable();
        machine = Machine.create("sysctl-test").privateNetwork().start();
    }

    @AfterAll
    static void stop() {
        if (machine != null) {
            machine.close();
        }
    }

    @Test
    void aSysctlIsSetNowAndPersistedAndReapplyingChangesNothing() throws Exception {
        String hostBefore = Files.readString(PROC).strip();
        String wanted = hostBefore.equals("1") ? "0" : "1"; // a value the machine does not have yet
        assertEquals(hostBefore, machine.ok("cat", PROC.toString()).strip(), "a new namespace starts as the host");

        EngineRun first = apply(wanted);
        assertEquals(1, first.changed(), first.toString());
        assertEquals(ResourceResult.CHANGED, first.results().get(0).status());
        assertEquals(wanted, machine.ok("cat", PROC.toString()).strip(), "set now");
        assertEquals(wanted, machine.ok("sysctl", "-n", KEY).strip());
        String persisted = Files.readString(machine.root().resolve("etc/sysctl.d/90-labctl.conf"));
        assertTrue(persisted.lines().anyMatch(l -> l.replace(" ", "").equals(KEY + "=" + wanted)), persisted);
        assertEquals(hostBefore, Files.readString(PROC).strip(), "the host's own value moved");

        EngineRun again = apply(wanted);
        assertEquals(0, again.changed(), again.toString());
    }

    @Test
    void aKeyTheContainerCannotWriteFailsWithAReason() throws Exception {
        EngineRun run = ModuleTester.of(context -> new DesiredState().add(new SysctlResource("kernel.msgmax", "16384")))
                .server(machine.name()).machine(machine).apply();
        assertEquals(ResourceResult.FAILED, run.results().get(0).status(), run.toString());
        assertTrue(run.results().get(0).reason() != null && !run.results().get(0).reason().isBlank(), run.toString());
    }

    static EngineRun apply(String value) throws Exception {
        return ModuleTester.of(context -> new DesiredState().add(new SysctlResource(KEY, value)))
                .server(machine.name()).machine(machine).apply();
    }
}
