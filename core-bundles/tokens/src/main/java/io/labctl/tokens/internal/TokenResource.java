package io.labctl.tokens.internal;

import io.labctl.api.ApiException;
import io.labctl.api.JoinTokens;
import io.labctl.api.web.RestResource;
import io.labctl.protocol.IssuedToken;
import io.labctl.protocol.TokenInfo;
import io.labctl.protocol.TokenSpec;
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

/** /api/v1/tokens: create, list and revoke join tokens. */
@Component(service = Object.class, property = RestResource.PROPERTY + "=true")
@Path("v1/tokens")
@Produces(MediaType.APPLICATION_JSON)
public class TokenResource {
    private final JoinTokens tokens;

    @Activate
    public TokenResource(@Reference JoinTokens tokens) {
        this.tokens = tokens;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(TokenSpec spec, @Context SecurityContext caller) {
        if (spec == null) {
            throw ApiException.badRequest("missing-body", "send a JSON token specification");
        }
        IssuedToken issued = tokens.create(spec, caller.getUserPrincipal().getName());
        return Response.status(Response.Status.CREATED).entity(issued).build();
    }

    @GET
    public List<TokenInfo> list() {
        return tokens.list();
    }

    @DELETE
    @Path("{id}")
    public TokenInfo revoke(@PathParam("id") String id) {
        return tokens.revoke(id);
    }
}
