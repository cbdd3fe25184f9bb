package io.labctl.api.audit;

import io.labctl.api.Identity;
import io.labctl.protocol.access.AuditVerification;

/** Checks the audit log's hash chains. */
public interface AuditVerifier {

    /** Walks every chain and names the first broken link; the caller needs read everywhere. */
    AuditVerification verify(Identity caller);
}
