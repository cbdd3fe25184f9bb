package io.labctl.rbac.internal;

import io.labctl.api.ApiException;
import io.labctl.api.access.AccessAdministration;
import io.labctl.api.web.AnyUser;
import io.labctl.api.web.Caller;
import io.labctl.api.web.Requires;
import io.labctl.api.web.RestResource;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.IssuedUser;
import io.labctl.protocol.access.UserDetail;
import io.labctl.protocol.access.UserInfo;
import io.labctl.protocol.access.UserSpec;
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
import jakarta.ws.rs.core.UriInfo;
import java.time.Duration;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** /api/v1/users: list, create (with a fresh credential), describe and delete labctl users. */
@Component(service = Object.class, property = RestResource.PROPERTY + "=true")
@Path("v1/users")
@Produces(MediaType.APPLICATION_JSON)
public class UserResource {
    private final AccessAdministration access;

    @Activate
    public UserResource(@Reference AccessAdministration access) {
        this.access = access;
    }

    @GET
    @Requires(value = Action.READ, verb = "user.list")
    public List<UserInfo> list(@Context SecurityContext security) {
        return access.users(Caller.of(security.getUserPrincipal()).identity());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Requires(value = Action.ADMIN, verb = "user.create")
    public Response create(UserSpec spec, @Context SecurityContext security, @Context UriInfo uri) {
        if (spec == null) {
            throw ApiException.badRequest("missing-body", "send a JSON user: {\"name\": ..., \"certificateDays\": ...}");
        }
        Caller caller = Caller.of(security.getUserPrincipal());
        Duration validity = spec.certificateDays() == null ? null : Duration.ofDays(spec.certificateDays());
        IssuedUser issued = access.createUser(caller.identity(), spec.name(), validity, serverUrl(uri));
        // the body carries a private key: no cache may keep it
        return Response.status(Response.Status.CREATED).header("Cache-Control", "no-store").entity(issued).build();
    }

    @GET
    @Path("{name}")
    @AnyUser(verb = "user.describe")
    public UserDetail describe(@PathParam("name") String name, @Context SecurityContext security) {
        return access.describeUser(Caller.of(security.getUserPrincipal()).identity(), name);
    }

    @DELETE
    @Path("{name}")
    @Requires(value = Action.ADMIN, verb = "user.delete")
    public Response delete(@PathParam("name") String name, @Context SecurityContext security) {
        access.deleteUser(Caller.of(security.getUserPrincipal()).identity(), name);
        return Response.noContent().build();
    }

    /** labd's address as this request reached it: the base URI without its trailing {@code /api/}. */
    static String serverUrl(UriInfo uri) {
        String base = uri == null || uri.getBaseUri() == null ? "" : uri.getBaseUri().toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base.endsWith("/api") ? base.substring(0, base.length() - "/api".length()) : base;
    }
}
