package io.labctl.modules.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.modules.internal.TestModules;
import io.labctl.persistence.Database;
import io.labctl.persistence.internal.TestDatabases;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.shell.FakeAccessControl;
import io.labctl.shell.RecordingAuditTrail;
import io.labctl.shell.Shell;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lab:modules over the real modules service (its doubles behind it) and a real PostgreSQL. */
class ModulesCommandTest {
    @TempDir
    static Path dir;
    static Database db;

    private final RecordingAuditTrail audit = new RecordingAuditTrail();

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabases.start(dir.resolve("pg"));
    }

    @AfterAll
    static void stop() throws Exception {
        TestDatabases.stop(db);
    }

    private ModulesCommand command(FakeAccessControl access) {
        ModulesCommand c = Shell.wire(new ModulesCommand(), access, audit);
        c.modules = TestModules.withWebApplied(db, access);
        return c;
    }

    @Test
    void listsModulesAndStatusOnlyWhereTheUserMayRead() throws Exception {
        FakeAccessControl access = new FakeAccessControl().allow("alice", "admin:*:*:*")
                .allow("olga", "admin:*:*:*").deny("olga", "read:lab:prod:*")
                .server("s1", "lab", "lab").server("p1", "lab", "prod");
        Shell.Result list = Shell.run(command(access), "alice");
        List<String> lines = list.out().lines().toList();
        assertTrue(lines.get(0).startsWith("NAME"), list.out());
        assertTrue(lines.get(1).matches("web +1\\.0\\.0 +1\\.0\\.0 +1 +test module web"), list.out());

        ModulesCommand status = command(access);
        status.status = true;
        status.module = "web";
        Shell.Result olga = Shell.run(status, "olga");
        assertTrue(olga.out().contains("s1") && olga.out().contains("converged"), olga.out());
        assertTrue(!olga.out().contains("p1"), "p1 is denied to olga: " + olga.out());
        assertEquals("shell.module.list", audit.rows.get(audit.rows.size() - 1).event().action());
        assertEquals(AuditEntry.OK, audit.rows.get(audit.rows.size() - 1).result());
    }

    @Test
    void theModuleArgumentCompletesModuleNamesForShellUsersOnly() throws Exception {
        FakeAccessControl access = new FakeAccessControl().allow("alice", "admin:*:*:*").allow("bob", "read:*:*:*")
                .server("s1", "lab", "lab");
        ModuleNames names = Shell.wire(new ModuleNames(), access);
        names.modules = TestModules.withWebApplied(db, access);
        assertEquals(List.of("web"), Shell.complete(names, "alice", "lab:modules", "--status", "w"));
        assertEquals(List.of(), Shell.complete(names, "alice", "lab:modules", "--status", "x"));
        assertEquals(List.of(), Shell.complete(names, "bob", "lab:modules", "--status", "w"), "bob may not use the shell");
        assertEquals("ModuleNames", ModulesCommand.class.getDeclaredField("module")
                .getAnnotation(org.apache.karaf.shell.api.action.Completion.class).value().getSimpleName());
    }
}
