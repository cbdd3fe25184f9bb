package io.labctl.sources.internal;

import io.labctl.api.web.Caller;
import io.labctl.api.web.Requires;
import io.labctl.api.web.RestResource;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.sources.CredentialInfo;
import io.labctl.protocol.sources.CredentialSpec;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** /api/v1/credentials: create, list (never a secret) and delete git credentials; admin everywhere for each. */
@Component(service = Object.class, property = RestResource.PROPERTY + "=true")
@Path("v1/credentials")
@Produces(MediaType.APPLICATION_JSON)
public class CredentialResource {
    private final CredentialService credentials;

    @Activate
    public CredentialResource(@Reference CredentialService credentials) {
        this.credentials = credentials;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Requires(value = Action.ADMIN, verb = "credential.create")
    public Response create(CredentialSpec spec, @Context SecurityContext security) {
        CredentialInfo created = credentials.create(Caller.of(security.getUserPrincipal()).identity(), spec);
        return Response.status(Response.Status.CREATED).entity(created).build();
    }

    @GET
    @Requires(value = Action.ADMIN, verb = "credential.list")
    public List<CredentialInfo> list(@Context SecurityContext security) {
        return credentials.list(Caller.of(security.getUserPrincipal()).identity());
    }

    @DELETE
    @Path("{name}")
    @Requires(value = Action.ADMIN, verb = "credential.delete")
    public CredentialInfo delete(@PathParam("name") String name, @Context SecurityContext security) {
        return credentials.delete(Caller.of(security.getUserPrincipal()).identity(), name);
    }
}
