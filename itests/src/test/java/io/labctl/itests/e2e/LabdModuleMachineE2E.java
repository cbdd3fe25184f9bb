package io.labctl.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.module.CommandResult;
import io.labctl.module.engine.EngineRun;
import io.labctl.module.testkit.Machine;
import io.labctl.module.testkit.ModuleTester;
import io.labctl.modules.labd.internal.LabdModule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The labd core module on a real Debian machine (systemd, its own network, Debian's PostgreSQL) with this build's
 * labd: the module's database settings and password file are what labd connects with, its unit runs labd, and
 * removal stops it and takes the settings away while the database keeps labd's data. Skipped where no machine can
 * boot.
 */
class LabdModuleMachineE2E {
    static final String PASSWORD = "pg-Secret-1";
    static final Duration MIGRATED_TIMEOUT = Duration.ofMinutes(3);

    static ModuleTester labd(Machine machine) {
        return ModuleTester.of(new LabdModule()).server("mod-labd").machine(machine)
                .input("jdbcUrl", "jdbc:postgresql://127.0.0.1:5432/labd")
                .input("dbUser", "labd")
                .secretInput("dbPassword", PASSWORD)
                .input("poolSize", 5L)
                .input("installDir", "/opt/labd")
                .input("javaHome", Machine.javaHome().toString());
    }

    @Test
    void labdRunsOnTheExternalDatabaseTheModuleConfigured() throws Exception {
        Machine.assumeAvailable();
        Path dist = Path.of(System.getProperty("labd.dist"));
        Assumptions.assumeTrue(Files.isRegularFile(dist), "build karaf-assembly/labd first");
        try (Machine machine = Machine.create("mod-labd").packages("postgresql").privateNetwork().hostJdk().start()) {
            Path home = machine.root().resolve("opt/labd");
            Files.createDirectories(home);
            Process untar = new ProcessBuilder("tar", "-xzf", dist.toString(), "-C", home.toString(),
                    "--strip-components=1").inheritIO().start();
            assertTrue(untar.waitFor(2, TimeUnit.MINUTES) && untar.exitValue() == 0, "labd unpacked");
            await(machine, "PostgreSQL up", "pg_isready", "-h", "127.0.0.1");
            machine.ok("su", "postgres", "-c", "psql -v ON_ERROR_STOP=1 -c \"CREATE ROLE labd LOGIN PASSWORD '"
                    + PASSWORD + "'\" -c \"CREATE DATABASE labd OWNER labd\"");

            EngineRun first = labd(machine).apply();
            assertEquals(0, first.failed(), first.toString());
            // labd reached the database with the module's user and password file: its migrations made its tables
            await(machine, "labd's tables in the external database", "su", "postgres", "-c",
                    "psql -tA -d labd -c \"select 1 from pg_tables where tableowner = 'labd' limit 1\" | grep -q 1");
            assertFalse(Files.exists(home.resolve("data/postgresql")), "no embedded PostgreSQL");
            assertEquals("active", machine.run("systemctl", "is-active", "labd.service").stdout().strip());

            EngineRun second = labd(machine).apply();
            assertEquals(0, second.changed(), second.toString());

            EngineRun removed = labd(machine).remove();
            assertEquals(0, removed.failed(), removed.toString());
            assertNotEquals(0, machine.run("systemctl", "is-active", "--quiet", "labd.service").exitCode());
            assertFalse(Files.exists(home.resolve("etc/io.labctl.persistence.cfg")));
            assertFalse(Files.exists(home.resolve("etc/database-password")));
            assertFalse(Files.exists(machine.root().resolve("etc/systemd/system/labd.service")));
            assertEquals("1", machine.ok("su", "postgres", "-c",
                    "psql -tA -d labd -c \"select 1 from pg_tables where tableowner = 'labd' limit 1\"").strip(),
                    "the database keeps labd's data");
        }
    }

    /** Polls a command in the machine until it exits 0. */
    static void await(Machine machine, String what, String... argv) throws Exception {
        Instant deadline = Instant.now().plus(MIGRATED_TIMEOUT);
        CommandResult last = null;
        while (Instant.now().isBefore(deadline)) {
            last = machine.run(argv);
            if (last.exitCode() == 0) {
                return;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError(what + " not within " + MIGRATED_TIMEOUT + ": " + last + "\n"
                + machine.run("journalctl", "--no-pager", "-n", "30", "-u", "labd.service").stdout());
    }
}
