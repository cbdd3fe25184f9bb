package io.labctl.rbac.internal;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.access.Decision;
import io.labctl.api.access.Gate;
import io.labctl.api.audit.AuditWriter;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.access.Permission;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The gate every front end passes: the access decision, and for a refusal its audit row and the message naming what
 * is missing and the remedy. Needs both access decisions and the audit trail, so without either it is not there and
 * the front ends refuse everything (fail closed).
 */
@Component(service = Gate.class)
public final class AccessGate implements Gate {
    private final AccessDecisions decisions;
    private final AuditWriter audit;

    @Activate
    public AccessGate(@Reference AccessDecisions decisions, @Reference AuditWriter audit) {
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

    /** The refusal once its row is written; if the row cannot be written, the 503 that says so instead. */
    private ApiException recorded(AuditWriter.Event event, ApiException refusal) {
        try {
            audit.record(event, AuditEntry.DENIED, 0L, refusal.getMessage());
        } catch (ApiException e) {
            return e;
        } catch (RuntimeException e) {
            return ApiException.unavailable("audit-unavailable", "the audit log cannot be written; labd refuses "
                    + "actions it cannot record");
        }
        return refusal;
    }
}
