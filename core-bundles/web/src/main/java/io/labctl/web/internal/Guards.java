package io.labctl.web.internal;

import io.labctl.api.access.AccessDecisions;
import io.labctl.api.access.Gate;
import io.labctl.api.audit.AuditWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access-control, gate and audit services as they come and go (both are hot-deployable bundles). Absent means every
 * request is refused; each change is written to Karaf's security log, where the break-glass path (feature and
 * bundle commands on the local shell) shows up too.
 */
final class Guards {
    /** Karaf's logging configuration sends this logger to data/log/security.log. */
    static final Logger SECURITY_LOG = LoggerFactory.getLogger("audit");

    private volatile AccessDecisions access;
    private volatile AuditWriter audit;
    private volatile Gate gate;

    AccessDecisions access() {
        return access;
    }

    AuditWriter audit() {
        return audit;
    }

    Gate gate() {
        return gate;
    }

    void gate(Gate service) {
        this.gate = service;
        SECURITY_LOG.warn(service == null
                ? "labd access gate withdrawn: every request is refused until it is back"
                : "labd access gate in service ({})", service == null ? "" : service.getClass().getName());
    }

    void access(AccessDecisions service) {
        this.access = service;
        SECURITY_LOG.warn(service == null
                ? "labd access control withdrawn: every request is refused until it is back"
                : "labd access control in service ({})", service == null ? "" : service.getClass().getName());
    }

    void audit(AuditWriter service) {
        this.audit = service;
        SECURITY_LOG.warn(service == null
                ? "labd audit trail withdrawn: every request is refused until it is back"
                : "labd audit trail in service ({})", service == null ? "" : service.getClass().getName());
    }
}
