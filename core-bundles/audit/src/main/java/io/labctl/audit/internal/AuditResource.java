package io.labctl.audit.internal;

import io.labctl.api.ApiException;
import io.labctl.api.audit.AuditReader;
import io.labctl.api.audit.AuditVerifier;
import io.labctl.api.web.Caller;
import io.labctl.api.web.Requires;
import io.labctl.api.web.RestResource;
import io.labctl.protocol.InvalidInput;
import io.labctl.protocol.Since;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.access.AuditVerification;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Instant;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** /api/v1/audit: read the audit log and check its chains. */
@Component(service = Object.class, property = RestResource.PROPERTY + "=true")
@Path("v1/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {
    private final AuditReader reader;
    private final AuditVerifier verifier;

    @Activate
    public AuditResource(@Reference AuditReader reader, @Reference AuditVerifier verifier) {
        this.reader = reader;
        this.verifier = verifier;
    }

    @GET
    @Requires(value = Action.READ, verb = "audit.list")
    public List<AuditEntry> list(@QueryParam("user") String user, @QueryParam("action") String action,
                                 @QueryParam("since") String since, @QueryParam("session") String session,
                                 @QueryParam("limit") String limit, @Context SecurityContext security) {
        return reader.query(Caller.of(security.getUserPrincipal()).identity(), new AuditReader.Query(
                filter("user", user), filter("action", action), since(since),
                filter("session", session), limit(limit)));
    }

    /**
     * A filter given empty ({@code ?user=}, say from an unset variable) is refused: read as absent, it would widen
     * the answer to every row. Absent filters stay absent.
     */
    static String filter(String name, String value) {
        if (value != null && value.isBlank()) {
            throw ApiException.badRequest("empty-filter", name + " is empty; give a value or leave the parameter out");
        }
        return value;
    }

    @GET
    @Path("verify")
    @Requires(value = Action.READ, verb = "audit.verify")
    public AuditVerification verify(@Context SecurityContext security) {
        return verifier.verify(Caller.of(security.getUserPrincipal()).identity());
    }

    static Instant since(String text) {
        if (filter("since", text) == null) {
            return null;
        }
        try {
            return Since.parse(text, Instant.now());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-since", e.getMessage());
        }
    }

    /** Taken as text so a bad value is a 400 that says what to send, not JAX-RS's bare 404. */
    static int limit(String text) {
        if (filter("limit", text) == null) {
            return 0;
        }
        try {
            return AuditEntry.queryLimit(Long.parseLong(text.strip()));
        } catch (InvalidInput e) {
            throw ApiException.badRequest(e.code(), e.getMessage() + " (default " + AuditQueries.DEFAULT_LIMIT + ")");
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid-limit", "limit '" + text + "' must be a whole number from 1 to "
                    + AuditEntry.MAX_QUERY_ROWS + " (default " + AuditQueries.DEFAULT_LIMIT + ")");
        }
    }
}
