package io.labctl.api.audit;

import io.labctl.api.Identity;
import io.labctl.protocol.access.AuditEntry;
import java.time.Instant;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/** Reads the audit log, oldest first. */
@ProviderType
public interface AuditReader {

    /** Filters for {@link #query}; null fields do not filter. action matches as a prefix. */
    record Query(String user, String action, Instant since, String sessionRef, int limit) {}

    /** The rows that match, oldest first; the caller needs read everywhere (rows name every scope). */
    List<AuditEntry> query(Identity caller, Query query);
}
