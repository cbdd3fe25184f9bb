package io.labctl.sources.internal;

import io.labctl.api.web.Caller;
import io.labctl.api.web.Requires;
import io.labctl.api.web.RestResource;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.sources.BuildInfo;
import io.labctl.protocol.sources.SourceInfo;
import io.labctl.protocol.sources.SourceSpec;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * /api/v1/sources: custom modules from git. Adding and updating (admin everywhere) start a build and answer 202 with
 * it; the CLI follows it at builds/ID (read everywhere), which carries its log. Listing the sources needs
 * read; removing one (labd forgets it, what it published stays) admin.
 */
@Component(service = Object.class, property = RestResource.PROPERTY + "=true")
@Path("v1/sources")
@Produces(MediaType.APPLICATION_JSON)
public class SourcesResource {
    private final BuildService builds;

    @Activate
    public SourcesResource(@Reference BuildService builds) {
        this.builds = builds;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Requires(value = Action.ADMIN, verb = "module.source.add")
    public Response add(SourceSpec spec, @Context SecurityContext security) {
        return Response.accepted(builds.add(Caller.of(security.getUserPrincipal()).identity(), spec)).build();
    }

    @POST
    @Path("{name}/update")
    @Requires(value = Action.ADMIN, verb = "module.source.update")
    public Response update(@PathParam("name") String name, @Context SecurityContext security) {
        return Response.accepted(builds.update(Caller.of(security.getUserPrincipal()).identity(), name)).build();
    }

    @DELETE
    @Path("{name}")
    @Requires(value = Action.ADMIN, verb = "module.source.delete")
    public SourceInfo remove(@PathParam("name") String name, @Context SecurityContext security) {
        return builds.remove(Caller.of(security.getUserPrincipal()).identity(), name);
    }

    @GET
    @Requires(value = Action.READ, verb = "module.source.list")
    public List<SourceInfo> list(@Context SecurityContext security) {
        return builds.sources(Caller.of(security.getUserPrincipal()).identity());
    }

    @GET
    @Path("builds/{id}")
    @Requires(value = Action.READ, verb = "module.build.get")
    public BuildInfo build(@PathParam("id") String id, @Context SecurityContext security) {
        return builds.build(Caller.of(security.getUserPrincipal()).identity(), id);
    }
}
