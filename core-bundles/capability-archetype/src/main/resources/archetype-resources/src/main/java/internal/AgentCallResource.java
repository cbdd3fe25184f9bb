package ${package}.internal;

import io.labctl.api.AgentChannels;
import io.labctl.api.ApiException;
import io.labctl.api.web.Requires;
import io.labctl.api.web.RestResource;
import io.labctl.protocol.access.Action;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * /api/v1/${capability}/servers/{name}: opens a "${capability}" stream on that server's agent (served by the agent
 * side of this capability) and returns what the agent answered. The permission is scoped to the server: its cloud
 * and environment come from the server's record.
 */
@Component(service = Object.class, property = RestResource.PROPERTY + "=true")
@Path("v1/${capability}/servers/{name}")
@Produces(MediaType.APPLICATION_JSON)
public class AgentCallResource {
    static final String KIND = "${capability}";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** What the agent sent back. */
    public record AgentReply(String server, String reply, Integer exitCode) {}

    private final AgentChannels channels;

    @Activate
    public AgentCallResource(@Reference AgentChannels channels) {
        this.channels = channels;
    }

    @POST
    @Requires(value = Action.READ, verb = "${capability}.agent.call", server = "name")
    public AgentReply call(@PathParam("name") String name) {
        try {
            AgentChannels.Reply reply = channels.call(name, KIND, Map.of(), 4096, TIMEOUT).get();
            return new AgentReply(name, new String(reply.output(), StandardCharsets.UTF_8), reply.exitCode());
        } catch (ExecutionException e) {
            // the agent's own errors (offline, no handler for the kind, timeout) carry their code and fix
            if (e.getCause() instanceof ApiException api) {
                throw api;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted", "labd is shutting down");
        }
    }
}
