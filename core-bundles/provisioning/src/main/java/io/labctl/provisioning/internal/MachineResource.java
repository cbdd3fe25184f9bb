package io.labctl.provisioning.internal;

import io.labctl.api.Identity;
import io.labctl.api.Provisioning;
import io.labctl.api.web.Caller;
import io.labctl.api.web.Requires;
import io.labctl.api.web.RestResource;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.provision.MachineInfo;
import io.labctl.protocol.provision.PlanRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
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
 * /api/v1/provision/machines for users ('labctl provision'). The service checks each machine for the caller: listing
 * needs read on its scope, a plan (it wipes a disk) destroy, forgetting manage.
 */
@Component(service = Object.class, property = RestResource.PROPERTY + "=true")
@Path("v1/provision/machines")
@Produces(MediaType.APPLICATION_JSON)
public class MachineResource {
    private final Provisioning provisioning;

    @Activate
    public MachineResource(@Reference Provisioning provisioning) {
        this.provisioning = provisioning;
    }

    @GET
    @Requires(value = Action.READ, verb = "provision.list", perItem = true)
    public List<MachineInfo> list(@Context SecurityContext security) {
        return provisioning.list(caller(security));
    }

    @GET
    @Path("{mac}")
    @Requires(value = Action.READ, verb = "provision.describe", perItem = true)
    public MachineInfo describe(@PathParam("mac") String mac, @Context SecurityContext security) {
        return provisioning.describe(caller(security), mac);
    }

    @POST
    @Path("{mac}/plan")
    @Consumes(MediaType.APPLICATION_JSON)
    @Requires(value = Action.DESTROY, verb = "provision.plan", perItem = true)
    public MachineInfo plan(@PathParam("mac") String mac, PlanRequest request, @Context SecurityContext security) {
        return provisioning.plan(caller(security), mac, request);
    }

    @DELETE
    @Path("{mac}")
    @Requires(value = Action.MANAGE, verb = "provision.forget", perItem = true)
    public MachineInfo forget(@PathParam("mac") String mac, @Context SecurityContext security) {
        return provisioning.forget(caller(security), mac);
    }

    private static Identity caller(SecurityContext security) {
        return Caller.of(security.getUserPrincipal()).identity();
    }
}
