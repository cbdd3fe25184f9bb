package io.labctl.module.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.module.CommandResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One real machine, booted once: systemd as PID 1, its own host name, binds, the host's JDK, commands, cleanup. */
class MachineTest {
    @TempDir
    static Path shared;
    static Machine machine;
    static Duration bootTime;

    @BeforeAll
    static void boot() throws Exception {
        Machine.assumeAvailable();
        Files.writeString(shared.resolve("from-host.txt"), "hello from the host\n");
        long start = System.nanoTime();
        machine = Machine.create("kit-test").bind(shared, "/mnt/shared").hostJdk().start();
        bootTime = Duration.ofNanos(System.nanoTime() - start);
        System.out.println("machine booted in " + bootTime.toMillis() + " ms (root file system cached beforehand or built now)");
    }

    @AfterAll
    static void stop() {
        if (machine != null) {
            machine.close();
        }
    }

    @Test
    void systemdIsPidOneAndTheMachineHasItsOwnHostName() throws Exception {
        assertEquals("systemd", machine.ok("cat", "/proc/1/comm").strip());
        assertEquals("kit-test", machine.ok("hostname").strip());
        assertTrue(machine.ok("systemctl", "is-system-running").strip().matches("running|degraded"));
    }

    @Test
    void commandsReportExitCodesAndOutputs() throws Exception {
        CommandResult r = machine.run("sh", "-c", "echo out; echo err >&2; exit 3");
        assertEquals(new CommandResult(3, "out\n", "err\n"), r);
    }

    @Test
    void filesWrittenUnderItsRootFromTheHostAreTheMachinesFiles() throws Exception {
        Files.writeString(machine.root().resolve("etc/written-outside"), "x\n");
        assertEquals("x", machine.ok("cat", "/etc/written-outside").strip());
    }

    @Test
    void aBoundHostFolderAndTheHostJdkAreThereAtTheirPaths() throws Exception {
        assertEquals("hello from the host", machine.ok("cat", "/mnt/shared/from-host.txt").strip());
        machine.ok("sh", "-c", "echo back > /mnt/shared/from-machine.txt");
        assertEquals("back", Files.readString(shared.resolve("from-machine.txt")).strip());
        CommandResult java = machine.run(Machine.javaHome().resolve("bin/java").toString(), "-version");
        assertEquals(0, java.exitCode(), java.stderr());
        assertTrue(java.stderr().contains(System.getProperty("java.version")), java.stderr());
    }

    @Test
    void settingsAfterBootAreRefused() {
        assertThrows(IllegalStateException.class, () -> machine.bind(shared, "/mnt/late"));
        assertThrows(IllegalArgumentException.class, () -> Machine.create("Not_A_Host"));
    }

    @Test
    void closingPowersOffAndDeletesTheMachinesCopy() throws Exception {
        try (Machine second = Machine.boot("kit-second")) {
            Path root = second.root();
            long leader = second.leaderPid();
            assertEquals("kit-second", second.ok("hostname").strip());
            second.close();
            assertFalse(Files.exists(root), root + " left behind");
            assertFalse(ProcessHandle.of(leader).map(ProcessHandle::isAlive).orElse(false), "PID 1 still running");
        }
    }
}
