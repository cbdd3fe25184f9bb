package io.labctl.exec.internal;

import io.labctl.api.web.Requires;
import io.labctl.api.web.RestResource;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.exec.Recording;
import io.labctl.protocol.exec.RecordingInfo;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * /api/v1/recordings: recorded exec sessions. Output can hold anything a command printed, so reading recordings
 * needs admin everywhere ({@code admin:*:*:*}), and every read is audited.
 */
@Component(service = Object.class, property = RestResource.PROPERTY + "=true")
@Path("v1/recordings")
@Produces(MediaType.APPLICATION_JSON)
public class RecordingResource {
    private final ExecEndpoint exec;

    @Activate
    public RecordingResource(@Reference ExecEndpoint exec) {
        this.exec = exec;
    }

    @GET
    @Requires(value = Action.ADMIN, verb = "recording.list")
    public List<RecordingInfo> list() {
        return exec.recordings().list();
    }

    @GET
    @Path("{id}")
    @Requires(value = Action.ADMIN, verb = "recording.get")
    public Recording get(@PathParam("id") String id) {
        return exec.recordings().get(id);
    }
}
