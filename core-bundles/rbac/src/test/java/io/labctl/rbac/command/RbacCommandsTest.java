package io.labctl.rbac.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.labctl.shell.FakeAccessControl;
import io.labctl.shell.LabCommand;
import io.labctl.shell.RecordingAuditTrail;
import io.labctl.shell.Shell;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Access control's lab: commands against in-memory test doubles of labd's services. */
class RbacCommandsTest {
    private final FakeAccessControl access = new FakeAccessControl().allow("alice", "admin:*:*:*")
            .server("web-1", "baremetal", "lab").server("db-1", "aws", "prod");
    private final RecordingAuditTrail audit = new RecordingAuditTrail();

    private <T extends LabCommand> T wire(T command) {
        return Shell.wire(command, access, audit);
    }

    @Test
    void canIAnswersForAServerFromItsRecord() throws Exception {
        access.allow("bob", "exec:baremetal:lab:*");
        CanICommand c = wire(new CanICommand());
        c.administration = access;
        c.action = "exec";
        c.resource = "server/web-1";
        c.as = "bob";
        Shell.Result r = Shell.run(c, "alice");
        assertEquals("yes: bob may exec:baremetal:lab:web-1 (allowed by exec:baremetal:lab:*)\n", r.out());
        assertEquals("/v1/auth/can-i?action=exec&resource=server/web-1&as=bob", audit.only().event().resource());
    }

    @Test
    void roleCreatePassesTheRulesToAccessControl() throws Exception {
        RoleCreateCommand c = wire(new RoleCreateCommand());
        c.administration = access;
        c.name = "ops";
        c.allow = List.of("exec:baremetal:lab:*");
        c.deny = List.of("exec:*:prod:*");
        Shell.Result r = Shell.run(c, "alice");
        assertEquals("role/ops created: allow exec:baremetal:lab:*, deny exec:*:prod:*. Bind it with lab:bind ops USER.\n",
                r.out());
        assertEquals(List.of("user/alice createRole ops"), access.calls);
        assertEquals("shell.role.create", audit.only().event().action());
    }
}
