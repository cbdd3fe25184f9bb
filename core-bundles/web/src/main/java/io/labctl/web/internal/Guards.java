package io.labctl.web.internal;

import io.labctl.api.AccessControl;
import io.labctl.api.AuditTrail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access-control and audit services as they come and go (both are hot-deployable bundles). Absent means every
 * request is refused; each change is written to Karaf's security log, where the break-glass path (feature and
 * bundle commands on the local shell) shows up too.
 */
final class Guards {
    /** Karaf's logging configuration sends this logger to data/log/security.log. */
    static final Logger SECURITY_LOG = LoggerFactory.getLogger("audit");

    private volatile AccessControl access;
    private volatile AuditTrail audit;

    AccessControl access() {
        return access;
    }

    AuditTrail audit() {
        return audit;
    }

    void access(AccessControl service) {
        this.access = service;
        SECURITY_LOG.warn(service == null
                ? "labd access control withdrawn: every request is refused until it is back"
                : "labd access control in service ({})", service == null ? "" : service.getClass().getName());
    }

    void audit(AuditTrail service) {
        this.audit = service;
        SECURITY_LOG.warn(service == null
                ? "labd audit trail withdrawn: every request is refused until it is back"
                : "labd audit trail in service ({})", service == null ? "" : service.getClass().getName());
    }
}
