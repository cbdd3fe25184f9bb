package io.labctl.web.internal;

import io.labctl.api.web.Public;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/v1/health}: answers without a certificate and touches nothing (no database, no CA). */
@Path("v1/health")
public final class HealthResource {
    /** The body: always "ok" while the listener answers, and the web bundle's version. */
    public record Health(String status, String version) {}

    private final Health health;

    HealthResource(String version) {
        this.health = new Health("ok", version);
    }

    @GET
    @Public
    @Produces(MediaType.APPLICATION_JSON)
    public Health health() {
        return health;
    }
}
