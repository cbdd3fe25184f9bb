package io.labctl.rbac.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.access.Decision;
import io.labctl.api.audit.AuditWriter;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.access.Permission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/** The gate over the real decision engine: admitted requests leave no row here, refusals exactly one. */
class AccessGateTest {
    static final Identity OLGA = new Identity(Identity.Kind.USER, "olga");
    static final Identity AGENT = new Identity(Identity.Kind.AGENT, "web1");
    static final AuditWriter.Event EVENT = new AuditWriter.Event("olga", "s1", "10.0.0.1", "server.delete", "/v1/x");

    /** Keeps rows, or fails every write. */
    static final class Rows implements AuditWriter {
        final List<String> rows = new ArrayList<>();
        boolean failing;

        @Override
        public <T> T change(Event event, Callable<T> work) {
            throw new UnsupportedOperationException("the gate only records refusals");
        }

        @Override
        public void record(Event event, String result, Long durationMs, String error) {
            if (failing) {
                throw new IllegalStateException("database down");
            }
            rows.add(event.action() + " " + result + ": " + error);
        }
    }

    /** Decisions straight from a compiled rule set, as RbacDecisions makes them from its snapshot. */
    record Rules(RuleSet rules) implements AccessDecisions {
        @Override
        public Decision decide(Identity subject, Permission request) {
            return rules.decide(subject, request);
        }

        @Override
        public boolean holdsAnywhere(Identity subject, Action action) {
            return rules.holdsAnywhere(subject, action);
        }

        @Override
        public Permission onServer(Action action, String serverName) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<String> logPathsOf(Identity subject) {
            return List.of();
        }

        @Override
        public List<String> rolesOf(Identity subject) {
            return List.of();
        }
    }

    private final Rows audit = new Rows();
    private final AccessGate gate = new AccessGate(new Rules(RuleSet.compile(1, Map.of("olga", List.of("ops")),
            Map.of("ops", new RuleSet.RoleRules("ops", List.of(Permission.parse("manage:aws:lab:*")),
                    List.of(Permission.parse("manage:aws:lab:db1")), List.of())))), audit);

    @Test
    void anAllowedRequestIsAdmittedWithoutARow() {
        gate.admit(OLGA, Permission.on(Action.MANAGE, "aws", "lab", "web1"), EVENT);
        gate.admitSomewhere(OLGA, Action.MANAGE, EVENT);
        assertTrue(audit.rows.isEmpty(), audit.rows.toString());
    }

    @Test
    void aRefusalIsAuditedWithTheReasonItAnswers() {
        ApiException refused = assertThrows(ApiException.class,
                () -> gate.admit(OLGA, Permission.on(Action.MANAGE, "aws", "prod", "web9"), EVENT));
        assertEquals(403, refused.status());
        assertTrue(refused.getMessage().startsWith("user/olga may not manage on aws:prod:web9: "), refused.getMessage());
        assertTrue(refused.getMessage().endsWith("ask an admin for a role that allows manage:aws:prod:web9"),
                refused.getMessage());
        assertEquals(List.of("server.delete denied: " + refused.getMessage()), audit.rows);
    }

    @Test
    void aDenyRuleNamesTheRoleThatOnlyAnAdminCanChange() {
        ApiException refused = assertThrows(ApiException.class,
                () -> gate.admit(OLGA, Permission.on(Action.MANAGE, "aws", "lab", "db1"), EVENT));
        assertTrue(refused.getMessage().contains("only an admin who can change role ops can help"), refused.getMessage());
        assertEquals(1, audit.rows.size());
    }

    @Test
    void nothingAnywhereIsRefusedAndNonUsersNeverPass() {
        ApiException none = assertThrows(ApiException.class, () -> gate.admitSomewhere(OLGA, Action.EXEC, EVENT));
        assertTrue(none.getMessage().startsWith("user/olga may not exec anywhere"), none.getMessage());
        assertEquals(403, assertThrows(ApiException.class,
                () -> gate.admit(AGENT, Permission.on(Action.READ, "aws", "lab", "web1"), EVENT)).status());
        assertEquals(2, audit.rows.size());
    }

    /** No row, no answer: a refusal that cannot be recorded is a 503, not a silent 403. */
    @Test
    void aRefusalThatCannotBeRecordedIsA503() {
        audit.failing = true;
        ApiException e = assertThrows(ApiException.class,
                () -> gate.admit(OLGA, Permission.on(Action.MANAGE, "aws", "prod", "web9"), EVENT));
        assertEquals(503, e.status());
        assertEquals("audit-unavailable", e.code());
    }
}
