package io.labctl.modules.internal;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.web.Caller;
import io.labctl.api.web.ProgressStream;
import io.labctl.api.web.Requires;
import io.labctl.api.web.RestResource;
import io.labctl.protocol.Selector;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.modules.ApplyEvent;
import io.labctl.protocol.modules.ApplyRequest;
import io.labctl.protocol.modules.AssignmentRevision;
import io.labctl.protocol.modules.ModuleDetail;
import io.labctl.protocol.modules.ModuleRun;
import io.labctl.protocol.modules.ModuleSummary;
import io.labctl.protocol.modules.ServerModuleStatus;
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
import jakarta.ws.rs.core.StreamingOutput;
import java.io.OutputStream;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * /api/v1/modules: the modules in labd's repository, their assignments and runs. The gate admits callers who hold the
 * action somewhere; the service checks each server (apply for apply, rollback and remove; read for dry runs, status
 * and runs). Apply, rollback and remove answer with NDJSON events, one per line, flushed as they happen; everything
 * that can be refused is refused (JSON error) before the first line.
 */
@Component(service = Object.class, property = RestResource.PROPERTY + "=true")
@Path("v1/modules")
@Produces(MediaType.APPLICATION_JSON)
public class ModulesResource {
    private final ModuleService modules;

    @Activate
    public ModulesResource(@Reference ModuleService modules) {
        this.modules = modules;
    }

    @GET
    @Requires(value = Action.READ, verb = "module.list", perItem = true)
    public List<ModuleSummary> list() {
        return modules.list();
    }

    @GET
    @Path("status")
    @Requires(value = Action.READ, verb = "module.status", perItem = true)
    public List<ServerModuleStatus> status(@QueryParam("module") String module, @QueryParam("server") String server,
                                           @QueryParam("selector") String selector, @QueryParam("refresh") boolean refresh,
                                           @Context SecurityContext security) {
        Selector servers = null;
        if (selector != null) {  // given but empty is refused by parse: it must not widen to every server
            try {
                servers = Selector.parse(selector);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("invalid-selector", e.getMessage());
            }
        }
        return modules.status(caller(security), blankToNull(module), blankToNull(server), servers, refresh);
    }

    @GET
    @Path("runs/{id}")
    @Requires(value = Action.READ, verb = "module.run", perItem = true)
    public ModuleRun run(@PathParam("id") String id, @Context SecurityContext security) {
        return modules.run(caller(security), id);
    }

    @GET
    @Path("{name}")
    @Requires(value = Action.READ, verb = "module.describe", perItem = true)
    public ModuleDetail describe(@PathParam("name") String name) {
        return modules.detail(name);
    }

    @GET
    @Path("{name}/history")
    @Requires(value = Action.READ, verb = "module.history", perItem = true)
    public List<AssignmentRevision> history(@PathParam("name") String name) {
        return modules.history(name);
    }

    /** Dry runs need read only, so the gate asks for read somewhere; the service asks apply on each target. */
    @POST
    @Path("{name}/apply")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({ApplyEvent.CONTENT_TYPE, MediaType.APPLICATION_JSON})
    @Requires(value = Action.READ, verb = "module.apply", perItem = true)
    public Response apply(@PathParam("name") String name, ApplyRequest request, @Context SecurityContext security) {
        return stream(modules.prepareApply(caller(security), name, request));
    }

    @POST
    @Path("{name}/rollback")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({ApplyEvent.CONTENT_TYPE, MediaType.APPLICATION_JSON})
    @Requires(value = Action.APPLY, verb = "module.rollback", perItem = true)
    public Response rollback(@PathParam("name") String name, @QueryParam("revision") Integer revision,
                             ApplyRequest request, @Context SecurityContext security) {
        if (revision == null || revision < 1) {
            throw ApiException.badRequest("missing-revision", "give the revision to roll back to (?revision=N, "
                    + "see labctl modules history " + name + ")");
        }
        return stream(modules.prepareRollback(caller(security), name, revision, request));
    }

    @POST
    @Path("{name}/remove")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({ApplyEvent.CONTENT_TYPE, MediaType.APPLICATION_JSON})
    @Requires(value = Action.APPLY, verb = "module.remove", perItem = true)
    public Response remove(@PathParam("name") String name, ApplyRequest request, @Context SecurityContext security) {
        return stream(modules.prepareRemove(caller(security), name, request));
    }

    private Response stream(Prepared prepared) {
        StreamingOutput body = out -> modules.execute(prepared, new NdjsonSink(out));
        return Response.ok(body, ApplyEvent.CONTENT_TYPE).build();
    }

    /** Writes each event as one line and flushes it; a client that went away stops the writing, not the run. */
    static final class NdjsonSink implements java.util.function.Consumer<ApplyEvent> {
        private final OutputStream out;
        private boolean gone;

        NdjsonSink(OutputStream out) {
            this.out = out;
        }

        @Override
        public synchronized void accept(ApplyEvent event) {
            if (!gone && !ProgressStream.writeLine(out, event)) {
                gone = true;
            }
        }
    }

    private static Identity caller(SecurityContext security) {
        return Caller.of(security.getUserPrincipal()).identity();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
