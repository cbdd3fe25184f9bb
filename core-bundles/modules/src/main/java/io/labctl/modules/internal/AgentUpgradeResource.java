package io.labctl.modules.internal;

import io.labctl.api.web.Caller;
import io.labctl.api.web.Requires;
import io.labctl.api.web.RestResource;
import io.labctl.protocol.AgentUpgrade;
import io.labctl.protocol.access.Action;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code POST /api/v1/agents/upgrade}: live upgrade of an agent capability across the selected servers (admin). */
@Component(service = Object.class, property = RestResource.PROPERTY + "=true")
@Path("v1/agents")
@Produces(MediaType.APPLICATION_JSON)
public class AgentUpgradeResource {
    private final AgentUpgrades upgrades;

    @Activate
    public AgentUpgradeResource(@Reference AgentUpgrades upgrades) {
        this.upgrades = upgrades;
    }

    @POST
    @Path("upgrade")
    @Consumes(MediaType.APPLICATION_JSON)
    @Requires(value = Action.ADMIN, verb = AgentUpgrades.VERB)
    public AgentUpgrade.Result upgrade(AgentUpgrade.Request request, @Context SecurityContext security) {
        return upgrades.upgrade(Caller.of(security.getUserPrincipal()).identity(), request);
    }
}
