package io.labctl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.cli.render.AccessPrinter;
import io.labctl.cli.render.AuditPrinter;
import io.labctl.cli.testsupport.TestCli;
import io.labctl.protocol.access.AccessReviewResult;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.access.AuditVerification;
import io.labctl.protocol.access.EffectiveRule;
import io.labctl.protocol.access.UserDetail;
import io.labctl.protocol.access.WhoAmI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tables and descriptions of users, roles, permissions, access reviews and the audit log. */
class AccessRenderingTest {
    @Test
    void usersTable() {
        String expected = ""
                + "NAME    ROLES                 AGE   CREATED-BY\n"
                + "alice   lab-operator,viewer   3d    admin\n"
                + "bob     <none>                5m    <none>\n";
        assertEquals(expected, AccessPrinter.users(List.of(Samples.alice(), Samples.bob()), false, TestCli.NOW));
        String wide = AccessPrinter.users(List.of(Samples.alice()), true, TestCli.NOW);
        assertTrue(wide.startsWith("NAME    ROLES                 AGE   CREATED-BY   CREATED\n"), wide);
        assertTrue(wide.endsWith("admin        2025-05-29T12:00:00Z\n"), wide);
    }

    @Test
    void rolesTable() {
        String expected = ""
                + "NAME           ALLOW                               DENY                      USERS   BUILTIN   AGE\n"
                + "admin          admin:*:*:*                         <none>                    admin   true      30d\n"
                + "lab-operator   exec:baremetal:lab:*,read:*:lab:*   exec:baremetal:lab:db-1   alice   false     2d\n";
        assertEquals(expected, AccessPrinter.roles(List.of(Samples.admin(), Samples.labOperator()), false, TestCli.NOW));
        String[] wide = AccessPrinter.roles(List.of(Samples.admin(), Samples.labOperator()), true, TestCli.NOW).split("\n");
        assertTrue(wide[0].endsWith("AGE   LOG-PATHS   DESCRIPTION"), wide[0]);
        assertTrue(wide[2].endsWith("2d    (default)   runs commands in the lab"), wide[2]);
    }

    @Test
    void permissionsTable() {
        String expected = ""
                + "ROLE           EFFECT   PERMISSION\n"
                + "lab-operator   allow    exec:baremetal:lab:*\n"
                + "lab-operator   allow    read:*:lab:*\n"
                + "lab-operator   deny     exec:baremetal:lab:db-1\n"
                + "viewer         allow    read:*:*:*\n";
        assertEquals(expected, AccessPrinter.permissions(Samples.rules()));
    }

    @Test
    void whoamiTable() {
        assertEquals("NAME    KIND   ROLES\nalice   user   lab-operator,viewer\n",
                AccessPrinter.whoami(new WhoAmI("user", "alice", List.of("lab-operator", "viewer"))));
        assertEquals("NAME    KIND   ROLES\nadmin   user   <none>\n", AccessPrinter.whoami(new WhoAmI("user", "admin", null)));
    }

    @Test
    void describeUserShowsDenyRulesFirst() {
        String expected = ""
                + "Name:        alice\n"
                + "Created:     2025-05-29T12:00:00Z (3d ago)\n"
                + "Created By:  admin\n"
                + "Roles:       lab-operator\n"
                + "             viewer\n"
                + "Rules:\n"
                + "  EFFECT   PERMISSION                ROLE\n"
                + "  deny     exec:baremetal:lab:db-1   lab-operator\n"
                + "  allow    exec:baremetal:lab:*      lab-operator\n"
                + "  allow    read:*:lab:*              lab-operator\n"
                + "  allow    read:*:*:*                viewer\n"
                + "Certificates:\n"
                + "  SERIAL   EXPIRES                         REVOKED\n"
                + "  1a2b3c   2025-08-27T12:00:00Z (in 87d)   no\n"
                + "  0f0e0d   2025-07-21T12:00:00Z (in 50d)   2025-05-29T12:00:00Z\n";
        assertEquals(expected, AccessPrinter.describeUser(Samples.aliceDetail(), TestCli.NOW));
    }

    @Test
    void describeUserWithoutRulesOrCertificates() {
        String text = AccessPrinter.describeUser(new UserDetail(Samples.bob(), null, List.of()), TestCli.NOW);
        assertTrue(text.contains("Roles:       <none>\nRules:\n  <none>: this user may do nothing\n"), text);
        assertTrue(text.endsWith("Certificates:\n  <none>\n"), text);
    }

    @Test
    void denyFirstKeepsLabdsOrderOtherwise() {
        List<EffectiveRule> sorted = AccessPrinter.denyFirst(Samples.rules());
        assertEquals(List.of("exec:baremetal:lab:db-1", "exec:baremetal:lab:*", "read:*:lab:*", "read:*:*:*"),
                sorted.stream().map(EffectiveRule::permission).toList());
    }

    @Test
    void canIPrintsYesOrNoAndMapsToExitCodes() {
        AccessReviewResult yes = new AccessReviewResult(true, "alice", "exec:baremetal:lab:web-1",
                "allow rule exec:baremetal:lab:* of role lab-operator");
        AccessReviewResult no = new AccessReviewResult(false, "alice", "destroy:aws:prod:db-1", "no allow rule");
        assertEquals("yes\n", AccessPrinter.canI(yes, false));
        assertEquals("no\n", AccessPrinter.canI(no, false));
        assertEquals(0, AccessPrinter.canIExitCode(yes));
        assertEquals(1, AccessPrinter.canIExitCode(no));
        assertEquals("no\n"
                + "User:        alice\n"
                + "Permission:  destroy:aws:prod:db-1\n"
                + "Reason:      no allow rule\n", AccessPrinter.canI(no, true));
    }

    @Test
    void auditTable() {
        String expected = ""
                + "TIME                   USER    SESSION                   SOURCE      ACTION    RESOURCE       RESULT   DURATION   ERROR\n"
                + "2025-06-01T11:58:30Z   alice   alice-20250601-3f9a2c71   10.0.0.5    exec      server/web-1   ok       850ms      <none>\n"
                + "2025-06-01T11:59:00Z   alice   alice-20250601-3f9a2c71   10.0.0.5    destroy   server/db-1    denied   3ms        no allow rule\n"
                + "2025-06-01T11:59:30Z   web-1   <none>                    10.0.0.11   enrol     <none>         ok       1.3s       <none>\n";
        assertEquals(expected, AuditPrinter.table(Samples.audit(), false));
        String[] wide = AuditPrinter.table(Samples.audit(), true).split("\n");
        assertTrue(wide[0].endsWith("ERROR           INSTANCE   SEQ"), wide[0]);
        assertTrue(wide[3].endsWith("labd-2     7"), wide[3]);
    }

    @Test
    void auditErrorsStayOnOneLine() {
        AuditEntry e = new AuditEntry("i", 1, TestCli.NOW, "alice", "abcd0123", "s", "exec", "server/x", "failed", null,
                "line one\nline two\u001b[31m");
        String[] lines = AuditPrinter.table(List.of(e), false).split("\n");
        assertEquals(2, lines.length);
        assertTrue(lines[1].endsWith("failed   <none>     line one line two?[31m"), lines[1]);
    }

    @Test
    void durations() {
        assertEquals("0ms", AuditPrinter.duration(0L));
        assertEquals("999ms", AuditPrinter.duration(999L));
        assertEquals("1.0s", AuditPrinter.duration(1000L));
        assertEquals("59.9s", AuditPrinter.duration(59_900L));
        assertEquals("2m5s", AuditPrinter.duration(125_000L));
        assertEquals(null, AuditPrinter.duration(null));
    }

    @Test
    void verificationLines() {
        assertEquals("audit log intact: 1234 rows in 2 chains\n",
                AuditPrinter.verification(new AuditVerification(true, 1234, 2, null, null, null)));
        assertEquals("audit log BROKEN at labd-1 row 17: row changed after it was written\n",
                AuditPrinter.verification(new AuditVerification(false, 40, 1, "labd-1", 17L, "row changed after it was written")));
        assertEquals("audit log BROKEN at <unknown> row <unknown>: <unknown>\n",
                AuditPrinter.verification(new AuditVerification(false, 0, 0, null, null, null)));
    }
}
