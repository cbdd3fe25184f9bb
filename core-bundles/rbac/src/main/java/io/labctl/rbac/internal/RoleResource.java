package io.labctl.rbac.internal;

import io.labctl.api.Identity;
import io.labctl.api.access.AccessAdministration;
import io.labctl.api.web.Caller;
import io.labctl.api.web.Requires;
import io.labctl.api.web.RestResource;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.RoleInfo;
import io.labctl.protocol.access.RoleSpec;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
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
 * /api/v1/roles: list, create and delete roles, bind and unbind users. The gate only asks for manage somewhere;
 * the service checks manage on every rule's scope and refuses escalation.
 */
@Component(service = Object.class, property = RestResource.PROPERTY + "=true")
@Path("v1/roles")
@Produces(MediaType.APPLICATION_JSON)
public class RoleResource {
    private final AccessAdministration access;

    @Activate
    public RoleResource(@Reference AccessAdministration access) {
        this.access = access;
    }

    @GET
    @Requires(value = Action.READ, verb = "role.list")
    public List<RoleInfo> list(@Context SecurityContext security) {
        return access.roles(caller(security));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Requires(value = Action.MANAGE, verb = "role.create", perItem = true)
    public Response create(RoleSpec spec, @Context SecurityContext security) {
        RoleInfo created = access.createRole(caller(security), spec);
        return Response.status(Response.Status.CREATED).entity(created).build();
    }

    @DELETE
    @Path("{name}")
    @Requires(value = Action.MANAGE, verb = "role.delete", perItem = true)
    public Response delete(@PathParam("name") String name, @Context SecurityContext security) {
        access.deleteRole(caller(security), name);
        return Response.noContent().build();
    }

    @PUT
    @Path("{role}/users/{user}")
    @Requires(value = Action.MANAGE, verb = "role.bind", perItem = true)
    public Response bind(@PathParam("role") String role, @PathParam("user") String user,
                         @Context SecurityContext security) {
        access.bind(caller(security), role, user);
        return Response.noContent().build();
    }

    @DELETE
    @Path("{role}/users/{user}")
    @Requires(value = Action.MANAGE, verb = "role.unbind", perItem = true)
    public Response unbind(@PathParam("role") String role, @PathParam("user") String user,
                           @Context SecurityContext security) {
        access.unbind(caller(security), role, user);
        return Response.noContent().build();
    }

    private static Identity caller(SecurityContext security) {
        return Caller.of(security.getUserPrincipal()).identity();
    }
}
