package io.labctl.shell;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.access.Decision;
import io.labctl.api.access.Gate;
import io.labctl.api.audit.AuditWriter;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.access.Permission;

/**
 * Test double of labd's gate for the shell SDK's tests (the real one is rbac's, which depends on this SDK): the
 * decision from the given access decisions, a refusal recorded in the given audit trail with the refusal wording
 * {@link Decision} builds, as labd's gate does.
 */
public final class DecidingGate implements Gate {
    private final AccessDecisions decisions;
    private final AuditWriter audit;

    public DecidingGate(AccessDecisions decisions, AuditWriter audit) {
        this.decisions = decisions;
        this.audit = audit;
    }

    @Override
    public void admit(Identity caller, Permission request, AuditWriter.Event event) {
        Decision d = decisions.decide(caller, request);
        if (!d.allowed()) {
            throw recorded(event, d.refusal(caller, request));
        }
    }

    @Override
    public void admitSomewhere(Identity caller, Action action, AuditWriter.Event event) {
        if (!decisions.holdsAnywhere(caller, action)) {
            throw recorded(event, Decision.refusalAnywhere(caller, action));
        }
    }

    private ApiException recorded(AuditWriter.Event event, ApiException refusal) {
        audit.record(event, AuditEntry.DENIED, 0L, refusal.getMessage());
        return refusal;
    }
}
