package io.labctl.web.internal;

import io.labctl.api.ApiException;
import io.labctl.api.web.AgentsOnly;
import io.labctl.api.web.PeerPrincipal;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.util.Map;

/** A contributed resource as a capability bundle would register it. */
@Path("v1/test")
@Produces(MediaType.APPLICATION_JSON)
public class TestRoutes {
    public record Echo(String text, int number) {}

    @GET
    @Path("whoami")
    public Map<String, String> whoami(@Context SecurityContext security) {
        PeerPrincipal peer = (PeerPrincipal) security.getUserPrincipal();
        return Map.of("identity", peer.getName(), "remoteAddress", String.valueOf(peer.remoteAddress()),
                "serial", peer.certificate().getSerialNumber().toString(16));
    }

    @GET
    @Path("agent")
    @AgentsOnly
    public Map<String, String> agentOnly(@Context SecurityContext security) {
        return Map.of("identity", security.getUserPrincipal().getName());
    }

    @POST
    @Path("echo")
    @Consumes(MediaType.APPLICATION_JSON)
    public Echo echo(Echo body) {
        return body;
    }

    @GET
    @Path("conflict")
    public Echo conflict() {
        throw ApiException.conflict("thing_busy", "the thing is busy; try again in a minute");
    }

    @GET
    @Path("boom")
    public Echo boom() {
        throw new IllegalStateException("secret internal detail");
    }

    /** A second resource, added and removed by the hot-deploy test. */
    @Path("v1/hot")
    public static class HotRoute {
        @GET
        @Produces(MediaType.APPLICATION_JSON)
        public Map<String, Boolean> hot() {
            return Map.of("hot", true);
        }
    }
}
