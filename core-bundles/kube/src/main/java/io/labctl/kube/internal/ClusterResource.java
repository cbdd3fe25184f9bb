package io.labctl.kube.internal;

import io.labctl.api.web.Caller;
import io.labctl.api.web.Requires;
import io.labctl.api.web.RestResource;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.kube.ClusterInfo;
import io.labctl.protocol.kube.ClusterSpec;
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

/** /api/v1/clusters: add and remove (admin everywhere), list and describe (read on each cluster). */
@Component(service = Object.class, property = RestResource.PROPERTY + "=true")
@Path("v1/clusters")
@Produces(MediaType.APPLICATION_JSON)
public class ClusterResource {
    private final ClusterService clusters;

    @Activate
    public ClusterResource(@Reference ClusterService clusters) {
        this.clusters = clusters;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Requires(value = Action.ADMIN, verb = "cluster.add")
    public Response add(ClusterSpec spec, @Context SecurityContext security) {
        ClusterInfo added = clusters.add(Caller.of(security.getUserPrincipal()).identity(), spec);
        return Response.status(Response.Status.CREATED).entity(added).build();
    }

    @GET
    @Requires(value = Action.READ, verb = "cluster.list", perItem = true)
    public List<ClusterInfo> list(@Context SecurityContext security) {
        return clusters.list(Caller.of(security.getUserPrincipal()));
    }

    @GET
    @Path("{name}")
    @Requires(value = Action.READ, verb = "cluster.get", perItem = true)
    public ClusterInfo get(@PathParam("name") String name, @Context SecurityContext security) {
        return clusters.get(Caller.of(security.getUserPrincipal()), name);
    }

    @DELETE
    @Path("{name}")
    @Requires(value = Action.ADMIN, verb = "cluster.remove")
    public ClusterInfo remove(@PathParam("name") String name, @Context SecurityContext security) {
        return clusters.remove(Caller.of(security.getUserPrincipal()).identity(), name);
    }
}
