package io.labctl.web.internal;

import io.labctl.api.HealthCheck;
import io.labctl.api.web.Public;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * {@code GET /api/v1/health}: answers without a certificate; 200 while labd can serve requests, 503 while a part it
 * needs is missing or down. Parts: the CA (the web server cannot run without it), the capabilities (still being
 * installed while labd starts), access control and the audit
 * trail (requests are refused without them), and every registered {@link HealthCheck} (the database).
 */
@Path("v1/health")
public final class HealthResource {
    static final String OK = "ok";
    static final String UNAVAILABLE = "unavailable";

    /** The body: "ok" or "unavailable", the web bundle's version, and each part's state. */
    public record Health(String status, String version, Map<String, Part> parts) {}

    /** A part's state; detail says what is wrong (null while it is ok). */
    public record Part(String status, String detail) {}

    private final String version;
    private final Guards guards;
    private final List<HealthCheck> checks = new CopyOnWriteArrayList<>();
    private final Supplier<String> starting;

    /** @param starting null once labd has started, else why it has not */
    HealthResource(String version, Guards guards, Supplier<String> starting) {
        this.version = version;
        this.guards = guards;
        this.starting = starting;
    }

    void add(HealthCheck check) {
        checks.add(check);
    }

    void remove(HealthCheck check) {
        checks.remove(check);
    }

    @GET
    @Public
    @Produces(MediaType.APPLICATION_JSON)
    public Response health() {
        Health h = report();
        return Response.status(OK.equals(h.status()) ? 200 : 503).entity(h).build();
    }

    Health report() {
        Map<String, Part> parts = new LinkedHashMap<>();
        parts.put("ca", new Part(OK, null));
        String notYet = starting.get();
        parts.put("capabilities", notYet == null ? new Part(OK, null) : new Part(UNAVAILABLE, notYet));
        parts.put("access control", guards.access() != null ? new Part(OK, null)
                : new Part(UNAVAILABLE, "labd's access control is not running; every request is refused"));
        parts.put("audit", guards.audit() != null ? new Part(OK, null)
                : new Part(UNAVAILABLE, "labd's audit trail is not running; every request is refused"));
        for (HealthCheck check : checks) {
            HealthCheck.Status s = check.check();
            parts.put(check.part(), s.up() ? new Part(OK, null) : new Part(UNAVAILABLE, s.detail()));
        }
        boolean up = parts.values().stream().allMatch(p -> OK.equals(p.status()));
        return new Health(up ? OK : UNAVAILABLE, version, parts);
    }
}
