package io.labctl.provisioning.internal;

import io.labctl.api.ApiException;
import io.labctl.api.provision.BastionEvents;
import io.labctl.api.Identity;
import io.labctl.api.web.Caller;
import io.labctl.api.web.ProgressStream;
import io.labctl.api.web.Requires;
import io.labctl.api.web.RestResource;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.provision.BastionEvent;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
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
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * /api/v1/bastions/ENV/events for users ('labctl logs bastion/ENV'): what the environment's bastions saw and did, of
 * one MAC when asked. Needs read on the whole environment (read:baremetal:ENV:*), checked in the service; a read is
 * audited as every read is, a follow once when it starts. With follow=true the answer is NDJSON (one event a line,
 * an empty line as keep-alive while quiet) until the client goes away or loses read on the environment.
 */
@Component(service = Object.class, property = RestResource.PROPERTY + "=true")
@Path("v1/bastions")
public class BastionEventsResource {
    static final String NDJSON = "application/x-ndjson";
    /**
     * The first line of a follow: blank (a keep-alive, as NDJSON readers skip whitespace), and longer than Jersey's
     * response buffer (8 KiB unless configured), which holds everything, flushes included, until it overflows or the
     * answer ends; past it each line goes out when it is flushed.
     */
    static final byte[] START = (" ".repeat(8192) + "\n").getBytes(StandardCharsets.US_ASCII);
    private final BastionEvents events;

    @Activate
    public BastionEventsResource(@Reference BastionEvents events) {
        this.events = events;
    }

    @GET
    @Path("{environment}/events")
    @Produces({MediaType.APPLICATION_JSON, NDJSON})
    @Requires(value = Action.READ, verb = "bastion.events", perItem = true)
    public Response events(@PathParam("environment") String environment, @QueryParam("mac") String mac,
                           @QueryParam("since") String since,
                           @QueryParam("limit") @DefaultValue("" + BastionEvent.DEFAULT_LIMIT) String limit,
                           @QueryParam("follow") @DefaultValue("false") boolean follow,
                           @Context SecurityContext security) {
        Identity caller = Caller.of(security.getUserPrincipal()).identity();
        String m = mac == null || mac.isEmpty() ? null : mac;
        Instant from = since(since);
        int n = limit(limit);
        if (!follow) {
            return Response.ok(events.read(caller, environment, m, from, n), MediaType.APPLICATION_JSON).build();
        }
        // the follow first, then the read: nothing stored in between is lost (the follow skips what the read sent)
        BastionEvents.Follow f = events.follow(caller, environment, m);
        var first = events.read(caller, environment, m, from, n);
        StreamingOutput body = out -> {
            out.write(START);
            out.flush();
            for (BastionEvent e : first) {
                if (!ProgressStream.writeLine(out, e)) {
                    return;
                }
            }
            java.util.Set<BastionEvent> head = java.util.Set.copyOf(first);
            f.run(e -> head.contains(e) || ProgressStream.writeLine(out, e), () -> keepAlive(out));
        };
        return Response.ok(body, NDJSON).build();
    }

    private static boolean keepAlive(java.io.OutputStream out) {
        try {
            out.write("\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Instant since(String since) {
        if (since == null || since.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(since);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("invalid-since", "since '" + since + "' is not an ISO instant like"
                    + " 2026-12-07T20:00:00Z");
        }
    }

    private static int limit(String limit) {
        try {
            return Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid-limit", "limit must be a number from 1 to " + BastionEvent.MAX_LIMIT);
        }
    }
}
