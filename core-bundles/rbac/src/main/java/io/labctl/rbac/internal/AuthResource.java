package io.labctl.rbac.internal;

import io.labctl.api.AccessControl;
import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.web.AnyUser;
import io.labctl.api.web.Caller;
import io.labctl.api.web.RestResource;
import io.labctl.protocol.Names;
import io.labctl.protocol.access.AccessReview;
import io.labctl.protocol.access.AccessReviewResult;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;
import io.labctl.protocol.access.WhoAmI;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** /api/v1/auth: can-i (an access review, for oneself or, as an admin, for another user) and whoami. */
@Component(service = Object.class, property = RestResource.PROPERTY + "=true")
@Path("v1/auth")
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {
    private final AccessControl access;

    @Activate
    public AuthResource(@Reference AccessControl access) {
        this.access = access;
    }

    @POST
    @Path("can-i")
    @Consumes(MediaType.APPLICATION_JSON)
    @AnyUser(verb = "auth.can-i")
    public AccessReviewResult canI(AccessReview review, @Context SecurityContext security) {
        if (review == null) {
            throw ApiException.badRequest("missing-body", "send {\"action\": ..., \"resource\": ..., \"as\": ...}");
        }
        Action action;
        try {
            action = Action.parse(review.action());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-action", e.getMessage());
        }
        Caller caller = Caller.of(security.getUserPrincipal());
        return access.review(caller.identity(), action, access.resolve(action, review.resource()), review.as());
    }

    @GET
    @Path("whoami")
    @AnyUser(verb = "auth.whoami")
    public WhoAmI whoami(@Context SecurityContext security) {
        Identity me = Caller.of(security.getUserPrincipal()).identity();
        return new WhoAmI(me.kind().unit(), me.name(), access.rolesOf(me));
    }
}
