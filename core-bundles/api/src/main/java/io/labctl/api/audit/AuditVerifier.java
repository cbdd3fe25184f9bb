package io.labctl.api.audit;

import io.labctl.api.Identity;
import io.labctl.protocol.access.AuditVerification;
import org.osgi.annotation.versioning.ProviderType;

/** Checks the audit log's hash chains. */
@ProviderType
public interface AuditVerifier {

    /** Walks every chain and names the first broken link; the caller needs read everywhere. */
    AuditVerification verify(Identity caller);
}
