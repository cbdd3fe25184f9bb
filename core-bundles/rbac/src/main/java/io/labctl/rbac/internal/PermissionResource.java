package io.labctl.rbac.internal;

import io.labctl.api.access.AccessAdministration;
import io.labctl.api.web.Caller;
import io.labctl.api.web.Requires;
import io.labctl.api.web.RestResource;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.EffectiveRule;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** /api/v1/permissions: every rule of every role. */
@Component(service = Object.class, property = RestResource.PROPERTY + "=true")
@Path("v1/permissions")
@Produces(MediaType.APPLICATION_JSON)
public class PermissionResource {
    private final AccessAdministration access;

    @Activate
    public PermissionResource(@Reference AccessAdministration access) {
        this.access = access;
    }

    @GET
    @Requires(value = Action.READ, verb = "permission.list")
    public List<EffectiveRule> list(@Context SecurityContext security) {
        return access.permissions(Caller.of(security.getUserPrincipal()).identity());
    }
}
