package io.labctl.audit.internal;

import io.labctl.api.Identity;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.audit.AuditVerifier;
import io.labctl.persistence.Database;
import io.labctl.persistence.Sessions;
import io.labctl.protocol.access.AuditVerification;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Walks every chain in audit_log and names the first broken link. This labd's own chain is also held against the
 * head its {@link ChainWriter} last committed, so rows deleted from its end are found too. Needs read everywhere.
 */
@Component(service = AuditVerifier.class)
public class ChainVerifier implements AuditVerifier {
    private final Database database;
    private final Sessions sessions;
    private final ChainWriter writer;
    private final AccessDecisions decisions;

    @Activate
    public ChainVerifier(@Reference Database database, @Reference ChainWriter writer,
                         @Reference AccessDecisions decisions) {
        this.database = database;
        this.decisions = decisions;
        this.sessions = database.sessions(AuditMapper.class);
        this.writer = writer;
    }

    @Override
    public AuditVerification verify(Identity caller) {
        decisions.require(caller, AuditQueries.READ_EVERYWHERE);
        // committed before the walk's snapshot, so every one of these rows must be in it
        ChainWriter.Head own = writer.head();
        return database.transaction(() -> {
            ChainWalk walk = new ChainWalk(writer.instance(), own.seq(), own.hash());
            sessions.mapper(AuditMapper.class, m -> {
                m.walk(walk);
                return null;
            });
            return walk.result();
        });
    }
}
