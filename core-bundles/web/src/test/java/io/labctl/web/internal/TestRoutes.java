package io.labctl.web.internal;

import io.labctl.api.ApiException;
import io.labctl.api.web.AgentsOnly;
import io.labctl.api.web.AnyUser;
import io.labctl.api.web.Caller;
import io.labctl.api.web.PeerPrincipal;
import io.labctl.api.web.Requires;
import io.labctl.protocol.access.Action;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A contributed resource as a capability bundle would register it. */
@Path("v1/test")
@Produces(MediaType.APPLICATION_JSON)
public class TestRoutes {
    public record Echo(String text, int number) {}

    /** How often a state-changing route actually ran. */
    final AtomicInteger changes = new AtomicInteger();

    @GET
    @Path("whoami")
    @AnyUser(verb = "test.whoami")
    public Map<String, String> whoami(@Context SecurityContext security) {
        Caller caller = Caller.of(security.getUserPrincipal());
        PeerPrincipal peer = caller.peer();
        return Map.of("identity", peer.getName(), "remoteAddress", String.valueOf(peer.remoteAddress()),
                "serial", peer.certificate().getSerialNumber().toString(16), "session", caller.sessionId());
    }

    @GET
    @Path("agent")
    @AgentsOnly(verb = "test.agent")
    public Map<String, String> agentOnly(@Context SecurityContext security) {
        return Map.of("identity", security.getUserPrincipal().getName());
    }

    @POST
    @Path("echo")
    @Consumes(MediaType.APPLICATION_JSON)
    @Requires(value = Action.MANAGE, verb = "test.echo")
    public Echo echo(Echo body) {
        changes.incrementAndGet();
        return body;
    }

    @GET
    @Path("servers/{name}")
    @Requires(value = Action.EXEC, verb = "test.server", server = "name")
    public Map<String, String> server(@PathParam("name") String name) {
        return Map.of("server", name);
    }

    @GET
    @Path("items")
    @Requires(value = Action.READ, verb = "test.items", perItem = true)
    public Map<String, Boolean> items(@Context SecurityContext security) {
        Caller caller = Caller.of(security.getUserPrincipal());
        return Map.of("a", caller.may(caller.onServer(Action.READ, "a")),
                "b", caller.may(caller.onServer(Action.READ, "b")));
    }

    @GET
    @Path("conflict")
    @Requires(value = Action.READ, verb = "test.conflict")
    public Echo conflict() {
        throw ApiException.conflict("thing_busy", "the thing is busy; try again in a minute");
    }

    @GET
    @Path("boom")
    @Requires(value = Action.READ, verb = "test.boom")
    public Echo boom() {
        throw new IllegalStateException("secret internal detail");
    }

    /** A second resource, added and removed by the hot-deploy test. */
    @Path("v1/hot")
    public static class HotRoute {
        @GET
        @Produces(MediaType.APPLICATION_JSON)
        @Requires(value = Action.READ, verb = "test.hot")
        public Map<String, Boolean> hot() {
            return Map.of("hot", true);
        }
    }

    /** A route that answers only once released: a request in flight while routes are swapped. */
    @Path("v1/slow")
    public static class SlowRoute {
        final java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

        @GET
        @Produces(MediaType.APPLICATION_JSON)
        @Requires(value = Action.READ, verb = "test.slow")
        public Map<String, Boolean> slow() throws InterruptedException {
            entered.countDown();
            release.await();
            return Map.of("slow", true);
        }
    }

    /** A resource that forgot to declare one route: it must not be served at all. */
    @Path("v1/forgetful")
    public static class Forgetful {
        @GET
        @Produces(MediaType.APPLICATION_JSON)
        @Requires(value = Action.READ, verb = "test.forgetful")
        public Map<String, Boolean> declared() {
            return Map.of("declared", true);
        }

        @GET
        @Path("open")
        @Produces(MediaType.APPLICATION_JSON)
        public Map<String, Boolean> undeclared() {
            return Map.of("undeclared", true);
        }
    }
}
