package io.labctl.provisioning.internal;

import io.labctl.api.ApiException;
import io.labctl.api.Provisioning;
import io.labctl.api.web.Caller;
import io.labctl.api.web.Requires;
import io.labctl.api.web.RestResource;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
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
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * /api/v1/provision/machines for users ('labctl provision'). A machine's scope is baremetal:&lt;environment&gt;:&lt;hostname&gt;
 * (a machine without a hostname yet is the whole environment). Listing needs read there; a plan wipes a disk, so it
 * needs destroy; forgetting needs manage.
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
        Caller caller = Caller.of(security.getUserPrincipal());
        return provisioning.list().stream().filter(m -> caller.may(scope(Action.READ, m))).toList();
    }

    @GET
    @Path("{mac}")
    @Requires(value = Action.READ, verb = "provision.describe", perItem = true)
    public MachineInfo describe(@PathParam("mac") String mac, @Context SecurityContext security) {
        MachineInfo machine = provisioning.find(mac).orElseThrow(() -> notFound(mac));
        Caller.of(security.getUserPrincipal()).require(scope(Action.READ, machine));
        return machine;
    }

    @POST
    @Path("{mac}/plan")
    @Consumes(MediaType.APPLICATION_JSON)
    @Requires(value = Action.DESTROY, verb = "provision.plan", perItem = true)
    public MachineInfo plan(@PathParam("mac") String mac, PlanRequest request, @Context SecurityContext security) {
        Caller caller = Caller.of(security.getUserPrincipal());
        if (request == null || request.hostname() == null) {
            throw ApiException.badRequest("missing-body", "send a plan: hostname, role, and optionally disk");
        }
        // The plan's own scope, and the machine's as it stands (a planned name it would lose).
        Optional<MachineInfo> existing = provisioning.find(mac);
        String environment = existing.map(MachineInfo::environment).orElse(Permission.ANY);
        caller.require(Permission.on(Action.DESTROY, ProvisioningService.CLOUD, environment, request.hostname().strip()));
        existing.ifPresent(m -> caller.require(scope(Action.DESTROY, m)));
        return provisioning.plan(mac, request, caller.identity().name());
    }

    @DELETE
    @Path("{mac}")
    @Requires(value = Action.MANAGE, verb = "provision.forget", perItem = true)
    public MachineInfo forget(@PathParam("mac") String mac, @Context SecurityContext security) {
        MachineInfo machine = provisioning.find(mac).orElseThrow(() -> notFound(mac));
        Caller.of(security.getUserPrincipal()).require(scope(Action.MANAGE, machine));
        return provisioning.forget(mac);
    }

    static Permission scope(Action action, MachineInfo m) {
        return Permission.on(action, ProvisioningService.CLOUD, m.environment(),
                m.hostname() == null ? Permission.ANY : m.hostname());
    }

    private static ApiException notFound(String mac) {
        return ApiException.notFound("machine-not-found", "no machine " + mac + "; see 'labctl provision list'");
    }
}
