package io.labctl.registry.internal;

import io.labctl.api.ApiException;
import io.labctl.api.ServerRegistry;
import io.labctl.api.web.Caller;
import io.labctl.api.web.Requires;
import io.labctl.api.web.RestResource;
import io.labctl.protocol.Selector;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.access.Action;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** /api/v1/servers: list with a selector, describe one, delete one (which revokes its agent's certificates). */
@Component(service = Object.class, property = RestResource.PROPERTY + "=true")
@Path("v1/servers")
@Produces(MediaType.APPLICATION_JSON)
public class ServerResource {
    private final ServerRegistry registry;

    @Activate
    public ServerResource(@Reference ServerRegistry registry) {
        this.registry = registry;
    }

    /** Lists only the servers the caller may read, as Teleport does: the rest are not there for them. */
    @GET
    @Requires(value = Action.READ, verb = "server.list", perItem = true)
    public List<ServerInfo> list(@QueryParam("selector") String selector, @Context SecurityContext security) {
        Caller caller = Caller.of(security.getUserPrincipal());
        Selector s;
        try {
            s = Selector.parse(selector);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-selector", e.getMessage());
        }
        return registry.list(caller.identity(), s);
    }

    @GET
    @Path("{name}")
    @Requires(value = Action.READ, verb = "server.get", server = "name")
    public ServerInfo get(@PathParam("name") String name) {
        return registry.find(name).orElseThrow(() -> notFound(name));
    }

    @DELETE
    @Path("{name}")
    @Requires(value = Action.MANAGE, verb = "server.delete", server = "name")
    public Response delete(@PathParam("name") String name, @Context SecurityContext security) {
        registry.remove(Caller.of(security.getUserPrincipal()).identity(), name);
        return Response.noContent().build();
    }

    private static ApiException notFound(String name) {
        return ApiException.notFound("server-not-found", "no server named " + name + "; see 'labctl get servers'");
    }
}
