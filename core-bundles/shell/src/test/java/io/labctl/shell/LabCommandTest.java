package io.labctl.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.ApiException;
import io.labctl.api.access.DecidingGate;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.access.Permission;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.action.Command;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gate, audit and error rendering every lab: command inherits. */
class LabCommandTest {
    private FakeAccessControl access;
    private RecordingAuditTrail audit;

    /** A command that only records that it ran, or throws what it is told to. */
    @Command(scope = "lab", name = "probe")
    static final class Probe extends LabCommand {
        final List<String> ran = new ArrayList<>();
        RuntimeException failure;
        Permission permission;

        Probe(boolean changesState) {
            super(changesState ? "shell.probe.change" : "shell.probe.read", changesState);
        }

        @Override
        protected String resource() {
            return "probe/1";
        }

        @Override
        protected void run(PrintStream out) {
            if (permission != null) {
                require(permission);
            }
            if (failure != null) {
                throw failure;
            }
            ran.add(caller().toString());
            out.println("probe ran");
        }
    }

    @BeforeEach
    void setUp() {
        access = new FakeAccessControl().allow("alice", "admin:*:*:*").allow("bob", "read:*:*:*", "manage:*:*:*");
        audit = new RecordingAuditTrail();
    }

    private Probe probe(boolean changesState) {
        Probe p = new Probe(changesState);
        p.access = access;
        p.audit = audit;
        p.gate = new DecidingGate(access, audit);
        return p;
    }

    @Test
    void aUserWithoutAdminEverywhereIsRefusedAndTheRefusalAudited() throws Exception {
        Probe p = probe(false);
        Shell.Result r = Shell.run(p, "bob");

        assertTrue(p.ran.isEmpty());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("Error: lab:probe refused: user/bob may not admin on *:*:*"), r.err());
        assertTrue(r.err().contains("must exist and be bound to a role that allows admin:*:*:*"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace");
        RecordingAuditTrail.Row row = audit.only();
        assertEquals(AuditEntry.DENIED, row.result());
        assertEquals("bob", row.event().user());
        assertEquals("shell", row.event().source());
        assertEquals("shell.probe.read", row.event().action());
        assertEquals("probe/1", row.event().resource());
        assertTrue(r.err().contains(row.error()), "the gate's audited reason is what the user reads: " + row.error());
        assertEquals(Permission.everywhere(io.labctl.protocol.access.Action.ADMIN), access.decided.get(0));
    }

    @Test
    void aStateChangeIsRefusedBeforeItsTransactionStarts() throws Exception {
        Probe p = probe(true);
        Shell.run(p, "bob");
        assertTrue(p.ran.isEmpty());
        RecordingAuditTrail.Row row = audit.only();
        assertEquals(AuditEntry.DENIED, row.result());
        assertFalse(row.viaChange());
    }

    @Test
    void anUnknownShellUserIsRefusedLikeANonAdmin() throws Exception {
        Probe p = probe(false);
        Shell.Result r = Shell.run(p, "karaf");
        assertTrue(p.ran.isEmpty());
        assertTrue(r.err().contains("user/karaf may not admin on *:*:*"), r.err());
        assertEquals(AuditEntry.DENIED, audit.only().result());
    }

    @Test
    void anAdminReadRunsAndIsAuditedAfterwards() throws Exception {
        Probe p = probe(false);
        Shell.Result r = Shell.run(p, "alice");

        assertEquals(List.of("user/alice"), p.ran);
        assertEquals("probe ran\n", r.out());
        assertEquals("", r.err());
        RecordingAuditTrail.Row row = audit.only();
        assertEquals(AuditEntry.OK, row.result());
        assertFalse(row.viaChange());
        assertEquals("alice", row.event().user());
        assertEquals("shell", row.event().source());
        assertEquals("shell.probe.read", row.event().action());
        assertTrue(row.event().sessionId().matches("sh-[0-9a-f]{10}"), row.event().sessionId());
    }

    @Test
    void anAdminStateChangeRunsInsideTheAuditedTransaction() throws Exception {
        Probe p = probe(true);
        Shell.Result r = Shell.run(p, "alice");
        assertEquals(List.of("user/alice"), p.ran);
        assertEquals("probe ran\n", r.out());
        RecordingAuditTrail.Row row = audit.only();
        assertEquals(AuditEntry.OK, row.result());
        assertTrue(row.viaChange());
        assertEquals("shell.probe.change", row.event().action());
    }

    @Test
    void withoutAccessControlEveryCommandRefuses() throws Exception {
        Probe p = probe(false);
        p.access = null;
        Shell.Result r = Shell.run(p, "alice");
        assertTrue(p.ran.isEmpty());
        assertTrue(r.err().contains("access control is not running"), r.err());
        assertTrue(r.err().contains("labd-rbac"), r.err());
        assertTrue(audit.rows.isEmpty());
    }

    @Test
    void withoutTheGateEveryCommandRefuses() throws Exception {
        Probe p = probe(false);
        p.gate = null;
        Shell.Result r = Shell.run(p, "alice");
        assertTrue(p.ran.isEmpty());
        assertTrue(r.err().contains("access control is not running"), r.err());
        assertTrue(audit.rows.isEmpty());
    }

    @Test
    void withoutTheAuditTrailEveryCommandRefuses() throws Exception {
        Probe p = probe(true);
        p.audit = null;
        Shell.Result r = Shell.run(p, "alice");
        assertTrue(p.ran.isEmpty());
        assertEquals("", r.out());
        assertTrue(r.err().contains("the audit trail is not running"), r.err());
        assertTrue(r.err().contains("labd-audit"), r.err());
        assertTrue(access.decided.isEmpty(), "refused before any decision");
    }

    @Test
    void aSessionWithoutLoginIsRefusedAndAuditedAsAnonymous() throws Exception {
        Probe p = probe(false);
        Shell.Result r = Shell.run(p, null);
        assertTrue(p.ran.isEmpty());
        assertTrue(r.err().contains("no logged-in user"), r.err());
        RecordingAuditTrail.Row row = audit.only();
        assertEquals("anonymous", row.event().user());
        assertEquals(AuditEntry.DENIED, row.result());
    }

    @Test
    void theCommandsOwnCheckIsEnforcedAndAuditedAsDenied() throws Exception {
        access.deny("alice", "manage:*:prod:*");
        Probe p = probe(true);
        p.permission = Permission.parse("manage:*:*:*");
        Shell.Result r = Shell.run(p, "alice");
        assertTrue(p.ran.isEmpty());
        assertTrue(r.err().startsWith("Error: user/alice may not manage on *:*:*"), r.err());
        RecordingAuditTrail.Row row = audit.only();
        assertEquals(AuditEntry.DENIED, row.result());
        assertTrue(row.viaChange());
    }

    @Test
    void serviceErrorsArePlainMessagesAndAudited() throws Exception {
        Probe p = probe(false);
        p.failure = ApiException.conflict("role-exists", "role ops already exists; pick another name");
        Shell.Result r = Shell.run(p, "alice");
        assertEquals("Error: role ops already exists; pick another name\n", r.err());
        RecordingAuditTrail.Row row = audit.only();
        assertEquals(AuditEntry.FAILED, row.result());
        assertEquals("role ops already exists; pick another name", row.error());
    }

    @Test
    void nothingIsShownThatTheAuditLogCouldNotRecord() throws Exception {
        Probe p = probe(false);
        audit.failWrites = true;
        Shell.Result r = Shell.run(p, "alice");
        assertEquals(List.of("user/alice"), p.ran);
        assertEquals("", r.out());
        assertTrue(r.err().contains("the audit log cannot be written"), r.err());
    }

    @Test
    void aRefusalThatCannotBeRecordedSaysSo() throws Exception {
        Probe p = probe(false);
        audit.failWrites = true;
        Shell.Result r = Shell.run(p, "bob");
        assertTrue(p.ran.isEmpty());
        assertTrue(r.err().contains("the audit log cannot be written"), r.err());
    }

}
