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

/** /api/v1/clouds: the clouds of which the caller may read something, with the environments it may read. */
@Component(service = Object.class, property = RestResource.PROPERTY + "=true")
@Path("v1/clouds")
@Produces(MediaType.APPLICATION_JSON)
public class CloudResource {
    private final EnvironmentService environments;

    @Activate
    public CloudResource(@Reference EnvironmentService environments) {
        this.environments = environments;
    }

    @GET
    @Requires(value = Action.READ, verb = "cloud.list", perItem = true)
    public List<CloudInfo> list(@Context SecurityContext security) {
        Caller caller = Caller.of(security.getUserPrincipal());
        return environments.clouds().stream().map(c -> {
            List<String> visible = c.environments().stream()
                    .filter(e -> caller.may(Permission.on(Action.READ, c.name(), e, Permission.ANY))).toList();
            boolean whole = caller.may(EnvironmentResource.onCloud(Action.READ, c.name()));
            return whole ? c : visible.isEmpty() ? null : new CloudInfo(c.name(), c.builtin(), visible);
        }).filter(java.util.Objects::nonNull).toList();
    }
}
