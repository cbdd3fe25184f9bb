package io.labctl.rbac.internal;

import io.labctl.api.access.AccessDecisions;
import io.labctl.api.access.DecidingGate;
import io.labctl.api.access.Gate;
import io.labctl.api.audit.AuditWriter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * labd's gate, the one every front end passes. Needs both access decisions and the audit trail, so without either
 * it is not there and the front ends refuse everything (fail closed).
 */
@Component(service = Gate.class)
public final class AccessGate extends DecidingGate {

    @Activate
    public AccessGate(@Reference AccessDecisions decisions, @Reference AuditWriter audit) {
        super(decisions, audit);
    }
}
