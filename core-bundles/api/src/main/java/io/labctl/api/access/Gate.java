package io.labctl.api.access;

import io.labctl.api.Identity;
import io.labctl.api.audit.AuditWriter;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The one door of labd: REST's enforcement point, the WebSocket upgrades and the {@code lab:} shell commands admit
 * or refuse a verified caller here. A refusal writes its {@code denied} audit row (with the reason it returns) and
 * throws a 403 whose message names what is missing and the remedy; if the row cannot be written, the 503 that says
 * so is thrown instead (no row, no answer). Admitted requests are not recorded here: their row is written around
 * the work, with its outcome.
 */
@ProviderType
public interface Gate {

    /** Admits the caller for the request, or records and throws the refusal. */
    void admit(Identity caller, Permission request, AuditWriter.Event event);

    /** For routes that filter per item (the service checks each item): admits if the action is allowed somewhere. */
    void admitSomewhere(Identity caller, Action action, AuditWriter.Event event);
}
