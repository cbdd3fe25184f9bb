package io.labctl.pulumi.internal;

import io.labctl.api.ApiException;
import io.labctl.api.web.Caller;
import io.labctl.api.web.ProgressStream;
import io.labctl.api.web.Requires;
import io.labctl.api.web.RestResource;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.pulumi.EngineInfo;
import io.labctl.protocol.pulumi.PulumiRun;
import io.labctl.protocol.pulumi.RunLine;
import io.labctl.protocol.pulumi.RunRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
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
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * /api/v1/runs: start a plan, apply or destroy (apply, or destroy, on the whole environment), list and describe runs
 * and read or follow their logs (read there), cancel one (what starting it needed). Refusals are audited by the gate.
 */
@Component(service = Object.class, property = RestResource.PROPERTY + "=true")
@Path("v1/runs")
@Produces(MediaType.APPLICATION_JSON)
public class RunResource {
    static final String NDJSON = "application/x-ndjson";
    /** A follow's first line: blank (NDJSON readers skip it) and longer than Jersey's 8 KiB response buffer. */
    private static final byte[] START = (" ".repeat(8192) + "\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE = "\n".getBytes(StandardCharsets.US_ASCII);
    private static final int PAGE = 1000;
    private static final long POLL_MILLIS = 200;
    private static final long KEEP_ALIVE_MILLIS = 15_000;
    /** A follow checks its caller's access again every this many polls (a second). */
    private static final int ACCESS_CHECK_POLLS = 5;

    private final RunService runs;

    @Activate
    public RunResource(@Reference RunService runs) {
        this.runs = runs;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Requires(value = Action.APPLY, verb = "pulumi.run", perItem = true)
    public Response start(RunRequest request, @Context SecurityContext security) {
        PulumiRun run = runs.start(Caller.of(security.getUserPrincipal()), request);
        return Response.status(Response.Status.CREATED).entity(run).build();
    }

    @GET
    @Requires(value = Action.READ, verb = "pulumi.runs", perItem = true)
    public List<PulumiRun> list(@QueryParam("env") String environment, @QueryParam("app") String app,
                                @QueryParam("limit") @DefaultValue("100") int limit,
                                @Context SecurityContext security) {
        return runs.list(Caller.of(security.getUserPrincipal()), environment, app, limit);
    }

    @GET
    @Path("engine")
    @Requires(value = Action.READ, verb = "pulumi.engine", perItem = true)
    public EngineInfo engine() {
        return runs.engine();
    }

    @GET
    @Path("{id}")
    @Requires(value = Action.READ, verb = "pulumi.run.get", perItem = true)
    public PulumiRun get(@PathParam("id") String id, @Context SecurityContext security) {
        return runs.get(Caller.of(security.getUserPrincipal()), id);
    }

    @POST
    @Path("{id}/cancel")
    @Requires(value = Action.APPLY, verb = "pulumi.run.cancel", perItem = true)
    public PulumiRun cancel(@PathParam("id") String id, @Context SecurityContext security) {
        return runs.cancel(Caller.of(security.getUserPrincipal()), id);
    }

    /** The run's log as NDJSON lines ({@link RunLine}); with follow, until the run has ended and all is sent. */
    @GET
    @Path("{id}/log")
    @Produces({NDJSON, MediaType.APPLICATION_JSON})
    @Requires(value = Action.READ, verb = "pulumi.run.log", perItem = true)
    public Response log(@PathParam("id") String id, @QueryParam("follow") @DefaultValue("false") boolean follow,
                        @QueryParam("after") @DefaultValue("0") long after, @Context SecurityContext security) {
        Caller caller = Caller.of(security.getUserPrincipal());
        RunRow run = runs.row(caller, id);
        io.labctl.protocol.access.Permission read = RunService.on(Action.READ, run.cloud, run.environment);
        if (after < 0) {
            throw ApiException.badRequest("invalid-after", "after must be a line number, 0 or more");
        }
        StreamingOutput body = out -> {
            if (follow) {
                out.write(START);
                out.flush();
            }
            long last = after;
            long quietSince = System.currentTimeMillis();
            int polls = 0;
            while (true) {
                // a follower whose read on the environment is withdrawn (user deleted, role unbound) stops here
                if (follow && ++polls % ACCESS_CHECK_POLLS == 0 && !caller.may(read)) {
                    return;
                }
                // the status before the read: a run seen ended has no line after this read
                long endings = runs.endings();
                boolean ended = !follow || !PulumiRun.RUNNING.equals(runs.status(id));
                List<RunLine> page = runs.lines(id, last, PAGE);
                for (RunLine line : page) {
                    if (!ProgressStream.writeLine(out, line)) {
                        return;
                    }
                    last = line.seq();
                }
                if (page.size() == PAGE) {
                    continue;
                }
                if (ended) {
                    return;
                }
                if (!page.isEmpty()) {
                    quietSince = System.currentTimeMillis();
                } else if (System.currentTimeMillis() - quietSince > KEEP_ALIVE_MILLIS) {
                    if (!write(out, KEEP_ALIVE)) {
                        return;
                    }
                    quietSince = System.currentTimeMillis();
                }
                try {
                    // the next poll, or at once when a run driven here ends (its last lines are written by then)
                    runs.awaitEnding(endings, POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        };
        return Response.ok(body, NDJSON).build();
    }

    private static boolean write(OutputStream out, byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
