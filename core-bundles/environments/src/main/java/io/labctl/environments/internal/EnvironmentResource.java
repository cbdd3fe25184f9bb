package io.labctl.environments.internal;

import io.labctl.api.web.Caller;
import io.labctl.api.web.Requires;
import io.labctl.api.web.RestResource;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import io.labctl.protocol.environments.CloudInfo;
import io.labctl.protocol.environments.EnvironmentInfo;
import io.labctl.protocol.environments.EnvironmentSpec;
import io.labctl.api.ApiException;
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
 * /api/v1/environments: create and delete need manage on the whole cloud ({@code manage:CLOUD:*:*}); listing and
 * describing need read on the whole environment ({@code read:CLOUD:ENV:*}), checked per item. Refusals are audited
 * by the gate (its row carries the answer).
 */
@Component(service = Object.class, property = RestResource.PROPERTY + "=true")
@Path("v1/environments")
@Produces(MediaType.APPLICATION_JSON)
public class EnvironmentResource {
    private final EnvironmentService environments;

    @Activate
    public EnvironmentResource(@Reference EnvironmentService environments) {
        this.environments = environments;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Requires(value = Action.MANAGE, verb = "environment.create", perItem = true)
    public Response create(EnvironmentSpec spec, @Context SecurityContext security) {
        if (spec == null) {
            throw ApiException.badRequest("missing-body", "send a JSON environment: name, cloud");
        }
        Caller caller = Caller.of(security.getUserPrincipal());
        String cloud = EnvironmentService.validName("cloud", spec.cloud());
        caller.require(onCloud(Action.MANAGE, cloud));
        EnvironmentInfo made = environments.create(spec.name(), cloud, caller.identity().name());
        return Response.status(Response.Status.CREATED).entity(made).build();
    }

    @GET
    @Requires(value = Action.READ, verb = "environment.list", perItem = true)
    public List<EnvironmentInfo> list(@Context SecurityContext security) {
        Caller caller = Caller.of(security.getUserPrincipal());
        return environments.list().stream().filter(e -> caller.may(on(Action.READ, e))).toList();
    }

    @GET
    @Path("{name}")
    @Requires(value = Action.READ, verb = "environment.get", perItem = true)
    public EnvironmentInfo describe(@PathParam("name") String name, @Context SecurityContext security) {
        Caller caller = Caller.of(security.getUserPrincipal());
        EnvironmentInfo env = environments.describe(name);
        caller.require(on(Action.READ, env));
        return env;
    }

    @DELETE
    @Path("{name}")
    @Requires(value = Action.MANAGE, verb = "environment.delete", perItem = true)
    public EnvironmentInfo delete(@PathParam("name") String name, @Context SecurityContext security) {
        Caller caller = Caller.of(security.getUserPrincipal());
        String n = EnvironmentService.validName("environment", name);
        EnvironmentInfo env = environments.find(n).orElseThrow(() -> EnvironmentService.notFound(n));
        caller.require(onCloud(Action.MANAGE, env.cloud()));
        return environments.delete(name);
    }

    /** Read on a whole environment: {@code read:CLOUD:ENV:*}. */
    static Permission on(Action action, EnvironmentInfo env) {
        return Permission.on(action, env.cloud(), env.name(), Permission.ANY);
    }

    /** An action on a whole cloud: {@code manage:CLOUD:*:*}. */
    static Permission onCloud(Action action, String cloud) {
        return Permission.on(action, cloud, Permission.ANY, Permission.ANY);
    }
}
