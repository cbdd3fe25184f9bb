package io.labctl.rbac.internal;

import io.labctl.api.ApiException;
import io.labctl.api.CertificateAuthority;
import io.labctl.api.Identity;
import io.labctl.api.access.AccessAdministration;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.web.AnyUser;
import io.labctl.api.web.Caller;
import io.labctl.api.web.PeerPrincipal;
import io.labctl.api.web.RestResource;
import io.labctl.protocol.EnrolResponse;
import io.labctl.protocol.Pem;
import io.labctl.protocol.RenewRequest;
import io.labctl.protocol.access.AccessReview;
import io.labctl.protocol.access.AccessReviewResult;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.WhoAmI;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.security.cert.X509Certificate;
import java.time.Duration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** /api/v1/auth: can-i (an access review, for oneself or, as an admin, for another user), whoami and renew. */
@Component(service = Object.class, property = RestResource.PROPERTY + "=true")
@Path("v1/auth")
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {
    private final AccessAdministration access;
    private final AccessDecisions decisions;
    private final CertificateAuthority ca;

    @Activate
    public AuthResource(@Reference AccessAdministration access, @Reference AccessDecisions decisions,
                        @Reference CertificateAuthority ca) {
        this.access = access;
        this.decisions = decisions;
        this.ca = ca;
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
        return access.review(caller.identity(), action, decisions.resolve(action, review.resource()), review.as());
    }

    /**
     * A new certificate for the calling user over the key of the CSR, with the lifetime of the certificate it
     * replaces. The old certificate stays valid until it expires (delete the user to end both).
     */
    @POST
    @Path("renew")
    @Consumes(MediaType.APPLICATION_JSON)
    @AnyUser(verb = "auth.renew")
    public EnrolResponse renew(RenewRequest request, @Context SecurityContext security) {
        if (request == null || request.csr() == null || request.csr().isBlank()) {
            throw ApiException.badRequest("invalid-renewal", "send {\"csr\": \"<PEM PKCS#10 request for CN=<your user"
                    + " name>>\"}; labctl auth renew makes one");
        }
        PeerPrincipal peer = Caller.of(security.getUserPrincipal()).peer();
        X509Certificate current = peer.certificate();
        // user lifetimes are whole days; flooring drops the CA's clock-skew backdate, so renewals do not creep longer
        long days = Duration.between(current.getNotBefore().toInstant(), current.getNotAfter().toInstant()).toDays();
        Duration lifetime = Duration.ofDays(Math.max(1, days));
        X509Certificate renewed = access.renewUser(peer.identity(), request.csr(), lifetime);
        return new EnrolResponse(Pem.certificate(renewed), Pem.certificate(ca.caCertificate()), peer.identity().name());
    }

    @GET
    @Path("whoami")
    @AnyUser(verb = "auth.whoami")
    public WhoAmI whoami(@Context SecurityContext security) {
        Identity me = Caller.of(security.getUserPrincipal()).identity();
        return new WhoAmI(me.kind().unit(), me.name(), decisions.rolesOf(me));
    }
}
