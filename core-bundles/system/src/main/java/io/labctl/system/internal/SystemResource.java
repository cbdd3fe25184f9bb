package io.labctl.system.internal;

import io.labctl.api.web.RestResource;
import io.labctl.api.web.Requires;
import io.labctl.protocol.CapabilityInfo;
import io.labctl.protocol.access.Action;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** /api/v1/system: what labd is made of. Reading it needs read everywhere ({@code read:*:*:*}). */
@Component(service = Object.class, property = RestResource.PROPERTY + "=true")
@Path("v1/system")
@Produces(MediaType.APPLICATION_JSON)
public class SystemResource {
    private final LabdFeatures features;

    @Activate
    public SystemResource(@Reference LabdFeatures features) {
        this.features = features;
    }

    /** labd's capabilities, by feature name: version, state (with the reason when not active) and schema version. */
    @GET
    @Path("features")
    @Requires(value = Action.READ, verb = "system.features")
    public List<CapabilityInfo> features() throws Exception {
        return features.list();
    }
}
