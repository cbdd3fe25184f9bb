package io.labctl.modules.internal;

import io.labctl.api.Identity;
import io.labctl.api.web.Caller;
import io.labctl.api.web.ProgressStream;
import io.labctl.api.web.Requires;
import io.labctl.api.web.RestResource;
import io.labctl.protocol.AgentUpgrade;
import io.labctl.protocol.Progress;
import io.labctl.protocol.access.Action;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.StreamingOutput;
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

    /**
     * NDJSON {@link Progress} events when the client asks for them (labctl does), else the one JSON answer at the end
     * (curl, scripts); refusals are HTTP errors either way.
     */
    @POST
    @Path("upgrade")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, Progress.CONTENT_TYPE})
    @Requires(value = Action.ADMIN, verb = AgentUpgrades.VERB)
    public Response upgrade(AgentUpgrade.Request request, @Context SecurityContext security,
                            @Context HttpHeaders headers) {
        Identity caller = Caller.of(security.getUserPrincipal()).identity();
        ProgressStream answer = ProgressStream.answer(headers.getRequestHeader(HttpHeaders.ACCEPT),
                "labd-agent-upgrade", sink -> upgrades.upgrade(caller, request, sink));
        return answer.streaming() ? Response.ok((StreamingOutput) answer::writeTo, Progress.CONTENT_TYPE).build()
                : Response.ok(answer.result(), MediaType.APPLICATION_JSON).build();
    }
}
