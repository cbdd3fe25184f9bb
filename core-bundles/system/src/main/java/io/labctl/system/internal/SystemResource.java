package io.labctl.system.internal;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.web.Caller;
import io.labctl.api.web.ProgressStream;
import io.labctl.api.web.RestResource;
import io.labctl.api.web.Requires;
import io.labctl.protocol.CapabilityInfo;
import io.labctl.protocol.Progress;
import io.labctl.protocol.SystemChange;
import io.labctl.protocol.access.Action;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.StreamingOutput;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * /api/v1/system: what labd is made of. Reading it needs read everywhere ({@code read:*:*:*}); changing it
 * (upgrade, install, uninstall a capability) admin everywhere.
 */
@Component(service = Object.class, property = RestResource.PROPERTY + "=true")
@Path("v1/system")
@Produces(MediaType.APPLICATION_JSON)
public class SystemResource {
    private final LabdFeatures features;
    /** Optional: without it (labd-system's change component not yet up) the listing still answers. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile LabdChanges changes;

    @Activate
    public SystemResource(@Reference LabdFeatures features) {
        this.features = features;
    }

    /** labd's capabilities, by feature name: version, state (with the reason when not active) and schema version. */
    @GET
    @Path("features")
    @Requires(value = Action.READ, verb = "system.features")
    public List<CapabilityInfo> features() throws Exception {
        return features.list();
    }

    @POST
    @Path("upgrade")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, Progress.CONTENT_TYPE})
    @Requires(value = Action.ADMIN, verb = LabdChanges.UPGRADE)
    public Response upgrade(SystemChange.Request request, @Context SecurityContext security,
                            @Context HttpHeaders headers) {
        LabdChanges c = changes();
        Identity caller = Caller.of(security.getUserPrincipal()).identity();
        return answer(headers, sink -> c.upgrade(caller, request, sink));
    }

    @POST
    @Path("install")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, Progress.CONTENT_TYPE})
    @Requires(value = Action.ADMIN, verb = LabdChanges.INSTALL)
    public Response install(SystemChange.Request request, @Context SecurityContext security,
                            @Context HttpHeaders headers) {
        LabdChanges c = changes();
        Identity caller = Caller.of(security.getUserPrincipal()).identity();
        return answer(headers, sink -> c.install(caller, request, sink));
    }

    @POST
    @Path("uninstall")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, Progress.CONTENT_TYPE})
    @Requires(value = Action.ADMIN, verb = LabdChanges.UNINSTALL)
    public Response uninstall(SystemChange.Request request, @Context SecurityContext security,
                              @Context HttpHeaders headers) {
        LabdChanges c = changes();
        Identity caller = Caller.of(security.getUserPrincipal()).identity();
        return answer(headers, sink -> c.uninstall(caller, request, sink));
    }

    /**
     * NDJSON {@link Progress} steps (with keep-alives while the health check waits) when the client asks for them
     * (labctl does), else the one JSON answer at the end (curl, scripts); refusals are HTTP errors either way.
     */
    private static Response answer(HttpHeaders headers, ProgressStream.Work work) {
        ProgressStream answer = ProgressStream.answer(headers.getRequestHeader(HttpHeaders.ACCEPT),
                "labd-system-change", work);
        return answer.streaming() ? Response.ok((StreamingOutput) answer::writeTo, Progress.CONTENT_TYPE).build()
                : Response.ok(answer.result(), MediaType.APPLICATION_JSON).build();
    }

    private LabdChanges changes() {
        LabdChanges c = changes;
        if (c == null) {
            throw ApiException.unavailable("capability-not-installed", "changing labd's capabilities is not available"
                    + " yet: labd-system is starting (labctl system features shows what runs)");
        }
        return c;
    }
}
