package ${package}.internal;

import io.labctl.api.web.Caller;
import io.labctl.api.web.Requires;
import io.labctl.api.web.RestResource;
import io.labctl.protocol.access.Action;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * /api/v1/${capability}/items. Each method declares the permission it needs: labd's enforcement point checks it and
 * writes the audit row (a PUT's row in the same transaction as the change) before and around the method.
 */
@Component(service = Object.class, property = RestResource.PROPERTY + "=true")
@Path("v1/${capability}/items")
@Produces(MediaType.APPLICATION_JSON)
public class ItemResource {
    private final ItemStore store;

    @Activate
    public ItemResource(@Reference ItemStore store) {
        this.store = store;
    }

    @GET
    @Requires(value = Action.READ, verb = "${capability}.item.list")
    public List<Item> list() {
        return store.list();
    }

    @PUT
    @Path("{name}")
    @Consumes(MediaType.TEXT_PLAIN)
    @Requires(value = Action.MANAGE, verb = "${capability}.item.put")
    public List<Item> put(@PathParam("name") String name, String value, @Context SecurityContext security) {
        store.put(name, value, Caller.of(security.getUserPrincipal()).identity().name());
        return store.list().stream().filter(i -> i.name().equals(name)).toList();
    }
}
