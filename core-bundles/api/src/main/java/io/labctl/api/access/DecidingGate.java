package io.labctl.api.access;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.audit.AuditWriter;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.access.Permission;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The gate over access decisions and the audit writer: the decision, and for a refusal its audit row and the
 * message naming what is missing and the remedy. labd registers one (the rbac capability, once both are there); a
 * test of a front end builds its own over its test doubles, so every front end is tested against the same logic.
 */
@ProviderType
public class DecidingGate implements Gate {
    private final AccessDecisions decisions;
    private final AuditWriter audit;

    public DecidingGate(AccessDecisions decisions, AuditWriter audit) {
        this.decisions = decisions;
        this.audit = audit;
    }

    @Override
    public final void admit(Identity caller, Permission request, AuditWriter.Event event) {
        Decision d = decisions.decide(caller, request);
        if (!d.allowed()) {
            throw recorded(event, d.refusal(caller, request));
        }
    }

    @Override
    public final void admitSomewhere(Identity caller, Action action, AuditWriter.Event event) {
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
