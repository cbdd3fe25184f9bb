package ${package}.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.labctl.module.engine.EngineRun;
import io.labctl.module.testkit.Machine;
import io.labctl.module.testkit.ModuleTester;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module on a real Debian 12 machine with systemd as PID 1 (booted in seconds with systemd-nspawn; needs root and
 * apt-get install mmdebstrap systemd-container, skipped with the reason otherwise): packages, services, users and
 * commands apply only there.
 */
class ModuleOnMachineTest {
    static Machine machine;

    @BeforeAll
    static void boot() throws Exception {
        Machine.assumeAvailable();
        machine = Machine.boot("module-test");
    }

    @AfterAll
    static void stop() {
        if (machine != null) {
            machine.close();
        }
    }

    @Test
    void appliesOnARealMachineAndAgainChangesNothing() throws Exception {
        ModuleTester tester = ModuleTester.of(new Module()).input("greeting", "hello").input("port", 8080L).machine(machine);
        EngineRun first = tester.apply();
        assertEquals(0, first.failed(), first.results().toString());
        assertEquals("644 root:root", machine.ok("stat", "-c", "%a %U:%G", "/etc/${moduleName}/${moduleName}.conf").strip());
        assertEquals(0, tester.apply().changed());
    }
}
