package io.labctl.pulumi.internal;

import io.labctl.api.web.Caller;
import io.labctl.api.web.Requires;
import io.labctl.api.web.RestResource;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.apps.AppRelease;
import io.labctl.protocol.apps.AppRequest;
import io.labctl.protocol.apps.AppRevision;
import io.labctl.protocol.apps.AppSummary;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
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

/**
 * /api/v1/apps: the apps in labd's repository and where they are installed (read), one app's status and history in
 * an environment (read there), and its install, upgrade, rollback (apply on the environment, and what the app's
 * app.yaml asks) and uninstall (destroy). Each verb answers the started run, which the caller follows as any run.
 * Refusals are audited by the gate; every run's end by the runner.
 */
@Component(service = Object.class, property = RestResource.PROPERTY + "=true")
@Path("v1/apps")
@Produces(MediaType.APPLICATION_JSON)
public class AppResource {
    private final AppService apps;

    @Activate
    public AppResource(@Reference AppService apps) {
        this.apps = apps;
    }

    @GET
    @Requires(value = Action.READ, verb = "apps.list", perItem = true)
    public List<AppSummary> list(@Context SecurityContext security) {
        return apps.list(caller(security));
    }

    @GET
    @Path("{name}")
    @Requires(value = Action.READ, verb = "apps.status", perItem = true)
    public AppRelease status(@PathParam("name") String name, @QueryParam("env") String environment,
                             @Context SecurityContext security) {
        return apps.status(caller(security), name, environment);
    }

    @GET
    @Path("{name}/history")
    @Requires(value = Action.READ, verb = "apps.history", perItem = true)
    public List<AppRevision> history(@PathParam("name") String name, @QueryParam("env") String environment,
                                     @Context SecurityContext security) {
        return apps.history(caller(security), name, environment);
    }

    @POST
    @Path("{name}/install")
    @Consumes(MediaType.APPLICATION_JSON)
    @Requires(value = Action.APPLY, verb = "apps.install", perItem = true)
    public Response install(@PathParam("name") String name, AppRequest request, @Context SecurityContext security) {
        return started(apps.act(caller(security), name, AppRequest.INSTALL, request));
    }

    @POST
    @Path("{name}/upgrade")
    @Consumes(MediaType.APPLICATION_JSON)
    @Requires(value = Action.APPLY, verb = "apps.upgrade", perItem = true)
    public Response upgrade(@PathParam("name") String name, AppRequest request, @Context SecurityContext security) {
        return started(apps.act(caller(security), name, AppRequest.UPGRADE, request));
    }

    @POST
    @Path("{name}/rollback")
    @Consumes(MediaType.APPLICATION_JSON)
    @Requires(value = Action.APPLY, verb = "apps.rollback", perItem = true)
    public Response rollback(@PathParam("name") String name, AppRequest request, @Context SecurityContext security) {
        return started(apps.act(caller(security), name, AppRequest.ROLLBACK, request));
    }

    @POST
    @Path("{name}/uninstall")
    @Consumes(MediaType.APPLICATION_JSON)
    @Requires(value = Action.DESTROY, verb = "apps.uninstall", perItem = true)
    public Response uninstall(@PathParam("name") String name, AppRequest request, @Context SecurityContext security) {
        return started(apps.act(caller(security), name, AppRequest.UNINSTALL, request));
    }

    private static Response started(Object run) {
        return Response.status(Response.Status.CREATED).entity(run).build();
    }

    private static Caller caller(SecurityContext security) {
        return Caller.of(security.getUserPrincipal());
    }
}
