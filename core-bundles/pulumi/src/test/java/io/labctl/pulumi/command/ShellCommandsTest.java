package io.labctl.pulumi.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.environments.internal.EnvironmentService;
import io.labctl.persistence.Database;
import io.labctl.persistence.internal.TestDatabases;
import io.labctl.protocol.pulumi.PulumiRun;
import io.labctl.protocol.pulumi.RunRequest;
import io.labctl.pulumi.internal.RunService;
import io.labctl.pulumi.internal.TestServices;
import io.labctl.shell.FakeAccessControl;
import io.labctl.shell.RecordingAuditTrail;
import io.labctl.shell.Shell;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lab:runs and lab:apps in the shell: what the user may read, audited; the feature named when it is not there. */
class ShellCommandsTest {
    @TempDir
    static Path dir;
    static Database db;
    static RunService runs;

    private final FakeAccessControl access = new FakeAccessControl().allow("alice", "admin:*:*:*")
            .allow("bob", "admin:*:*:*");
    private final RecordingAuditTrail audit = new RecordingAuditTrail();

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabases.start(dir.resolve("pg"));
        TestDatabases.schema(db, "pulumi");
        EnvironmentService environments = new EnvironmentService(db, TestDatabases.schema(db, "environments"));
        environments.create("lab", "baremetal", "admin");
        runs = TestServices.runs(db, TestServices.engine(), environments, dir);
        io.labctl.api.web.Caller caller = new io.labctl.api.testing.RuleBook()
                .allow(new io.labctl.api.Identity(io.labctl.api.Identity.Kind.USER, "dora"), "apply:baremetal:lab:*")
                .caller(new io.labctl.api.Identity(io.labctl.api.Identity.Kind.USER, "dora"));
        String id = runs.start(caller, new RunRequest(PulumiRun.PLAN, "lab", "name: web\nruntime: yaml\n", "web.yaml"))
                .id();
        for (int i = 0; i < 200 && PulumiRun.RUNNING.equals(runs.list(p -> true, null, null, 1).get(0).status()); i++) {
            Thread.sleep(50);
        }
        assertTrue(runs.list(p -> true, null, null, 10).stream().anyMatch(r -> r.id().equals(id)));
    }

    @AfterAll
    static void stop() throws Exception {
        TestDatabases.stop(db);
    }

    @Test
    void labRunsListsRunsAndIsAudited() throws Exception {
        RunsCommand c = Shell.wire(new RunsCommand(), access, audit);
        c.runs = runs;
        Shell.Result r = Shell.run(c, "alice");
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("ID"), r.out());
        assertTrue(lines.get(1).matches("r-[0-9a-f]{12} +plan +web/lab +succeeded +dora .*"), r.out());
        assertEquals("shell.pulumi.runs", audit.only().event().action());
        assertEquals("/v1/runs", audit.only().event().resource());

        RunsCommand elsewhere = Shell.wire(new RunsCommand(), access, audit);
        elsewhere.runs = runs;
        elsewhere.environment = "prod";
        assertEquals("No Pulumi run you may read.\n", Shell.run(elsewhere, "alice").out());
    }

    @Test
    void withoutTheCapabilityTheCommandsNameItsFeature() throws Exception {
        Shell.Result runsMissing = Shell.run(Shell.wire(new RunsCommand(), access, audit), "bob");
        assertTrue(runsMissing.err().contains("feature:install labd-pulumi"), runsMissing.err());
        Shell.Result appsMissing = Shell.run(Shell.wire(new AppsCommand(), access, audit), "bob");
        assertTrue(appsMissing.err().contains("feature:install labd-pulumi"), appsMissing.err());
    }
}
