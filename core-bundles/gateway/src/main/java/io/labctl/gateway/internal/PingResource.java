package io.labctl.gateway.internal;

import io.labctl.api.AgentChannels;
import io.labctl.api.ApiException;
import io.labctl.api.ServerRegistry;
import io.labctl.api.web.Requires;
import io.labctl.api.web.RestResource;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.Json;
import io.labctl.protocol.PingResult;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * /api/v1/servers/{name}/ping: a round trip through the agent's connection and its "ping" stream handler (as Salt's
 * test.ping): proves the agent is connected, answering, and has the capability installed.
 */
@Component(service = Object.class, property = RestResource.PROPERTY + "=true")
@Path("v1/servers/{name}/ping")
@Produces(MediaType.APPLICATION_JSON)
public class PingResource {
    static final String KIND = "ping";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final AgentChannels channels;
    private final ServerRegistry registry;

    @Activate
    public PingResource(@Reference AgentChannels channels, @Reference ServerRegistry registry) {
        this.channels = channels;
        this.registry = registry;
    }

    @POST
    @Requires(value = Action.READ, verb = "server.ping", server = "name")
    public PingResult ping(@PathParam("name") String name) {
        if (registry.find(name).isEmpty()) {
            throw ApiException.notFound("server-not-found", "no server named " + name + "; see 'labctl get servers'");
        }
        long t0 = System.nanoTime();
        AgentChannels.Reply reply;
        try {
            reply = channels.call(name, KIND, Map.of(), 4096, TIMEOUT).get();
        } catch (ExecutionException | CompletionException e) {
            if (e.getCause() instanceof ApiException api) {
                throw api;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted", "labd is shutting down");
        }
        long micros = (System.nanoTime() - t0) / 1000;
        try {
            PingResult fromAgent = Json.json().readValue(reply.output(), PingResult.class);
            return new PingResult(name, micros, fromAgent.agentVersion(), fromAgent.agentUptimeMillis());
        } catch (IOException e) {
            throw new ApiException(502, "bad-ping-reply", name + " answered the ping with something that is not a ping reply");
        }
    }
}
