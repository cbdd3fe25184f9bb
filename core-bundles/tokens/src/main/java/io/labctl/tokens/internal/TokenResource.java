package io.labctl.tokens.internal;

import io.labctl.api.ApiException;
import io.labctl.api.JoinTokens;
import io.labctl.api.web.Caller;
import io.labctl.api.web.Requires;
import io.labctl.api.web.RestResource;
import io.labctl.protocol.IssuedToken;
import io.labctl.protocol.TokenInfo;
import io.labctl.protocol.TokenSpec;
import io.labctl.protocol.access.Action;
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

/**
 * /api/v1/tokens: create, list and revoke join tokens. A token's scope is what the servers that enrol with it get:
 * its cloud, environment and server name. Minting or revoking one needs manage there; listing needs read (the
 * service checks each token). A scope a token leaves open (no cloud, say) stands for servers without one, which
 * only {@code *} rules reach.
 */
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
    @Requires(value = Action.MANAGE, verb = "token.create", perItem = true)
    public Response create(TokenSpec spec, @Context SecurityContext security) {
        if (spec == null) {
            throw ApiException.badRequest("missing-body", "send a JSON token specification");
        }
        IssuedToken issued = tokens.create(Caller.of(security.getUserPrincipal()).identity(), spec);
        return Response.status(Response.Status.CREATED).entity(issued).build();
    }

    @GET
    @Requires(value = Action.READ, verb = "token.list", perItem = true)
    public List<TokenInfo> list(@Context SecurityContext security) {
        return tokens.list(Caller.of(security.getUserPrincipal()).identity());
    }

    @DELETE
    @Path("{id}")
    @Requires(value = Action.MANAGE, verb = "token.revoke", perItem = true)
    public TokenInfo revoke(@PathParam("id") String id, @Context SecurityContext security) {
        return tokens.revoke(Caller.of(security.getUserPrincipal()).identity(), id);
    }

}
