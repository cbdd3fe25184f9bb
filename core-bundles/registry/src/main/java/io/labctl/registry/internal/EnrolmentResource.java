package io.labctl.registry.internal;

import io.labctl.api.ApiException;
import io.labctl.api.CertificateAuthority;
import io.labctl.api.Identity;
import io.labctl.api.JoinTokens;
import io.labctl.api.ServerRegistry;
import io.labctl.api.web.AgentsOnly;
import io.labctl.api.web.PeerPrincipal;
import io.labctl.api.web.Public;
import io.labctl.api.web.RestResource;
import io.labctl.persistence.Database;
import io.labctl.protocol.Durations;
import io.labctl.protocol.EnrolRequest;
import io.labctl.protocol.EnrolResponse;
import io.labctl.protocol.JoinTokenString;
import io.labctl.protocol.Names;
import io.labctl.protocol.Pem;
import io.labctl.protocol.RenewRequest;
import jakarta.ws.rs.Consumes;
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
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enrolment (the one call besides health that needs no client certificate: the join token is the credential) and
 * certificate renewal over mutual TLS.
 */
@Component(service = Object.class, property = RestResource.PROPERTY + "=true",
        configurationPid = "io.labctl.registry", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Path("v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class EnrolmentResource {
    private static final Logger LOG = LoggerFactory.getLogger(EnrolmentResource.class);
    private final Database database;
    private final JoinTokens tokens;
    private final CertificateAuthority ca;
    private final ServerRegistry registry;
    private final Duration agentValidity;

    @Activate
    public EnrolmentResource(@Reference Database database, @Reference JoinTokens tokens, @Reference CertificateAuthority ca,
                             @Reference ServerRegistry registry, RegistryConfig config) {
        this.database = database;
        this.tokens = tokens;
        this.ca = ca;
        this.registry = registry;
        this.agentValidity = Durations.parse(config.agentCertificateLifetime());
    }

    @POST
    @Path("enrol")
    @Public(verb = "agent.enrol")
    public EnrolResponse enrol(EnrolRequest request) {
        if (request == null || request.name() == null || request.csr() == null || request.token() == null) {
            throw ApiException.badRequest("invalid-enrolment", "an enrolment needs token, name and csr");
        }
        String name = validName(request.name());
        JoinTokenString token;
        try {
            token = JoinTokenString.parse(request.token());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("token-malformed", e.getMessage());
        }
        // Everything that can be checked without the database comes first, so bad input uses up no token.
        CertificateAuthority.VerifiedCsr csr = ca.verify(request.csr());
        requireName(csr, name);
        X509Certificate cert = database.transaction(() -> {
            if (registry.isEnrolled(name)) {
                throw ApiException.conflict("name-taken", "a server named " + name + " is already enrolled; choose another name"
                        + " for this agent, or delete the old one first (labctl delete server/" + name + ")");
            }
            JoinTokens.Grant grant = tokens.redeem(token, name);
            X509Certificate issued = ca.issue(csr, new Identity(Identity.Kind.AGENT, name), agentValidity);
            registry.enrolled(name, grant, issued);
            return issued;
        });
        LOG.info("enrolled server {} (certificate serial {})", name, cert.getSerialNumber().toString(16));
        return new EnrolResponse(Pem.certificate(cert), Pem.certificate(ca.caCertificate()), name);
    }

    @POST
    @Path("agent/renew")
    @AgentsOnly(verb = "agent.renew")
    public EnrolResponse renew(RenewRequest request, @Context SecurityContext caller) {
        if (request == null || request.csr() == null) {
            throw ApiException.badRequest("invalid-renewal", "a renewal needs a csr");
        }
        Identity agent = ((PeerPrincipal) caller.getUserPrincipal()).identity();
        X509Certificate cert = database.transaction(() -> {
            X509Certificate issued = ca.renew(request.csr(), agent, agentValidity);
            registry.renewed(agent.name(), issued);
            return issued;
        });
        LOG.info("renewed the certificate of server {} (new serial {})", agent.name(), cert.getSerialNumber().toString(16));
        return new EnrolResponse(Pem.certificate(cert), Pem.certificate(ca.caCertificate()), agent.name());
    }

    private static String validName(String name) {
        try {
            return Names.require("server name", name);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-name", e.getMessage());
        }
    }

    private static void requireName(CertificateAuthority.VerifiedCsr csr, String name) {
        if (!name.equals(csr.requestedName())) {
            throw ApiException.badRequest("csr-name-mismatch", "the CSR asks for CN=" + csr.requestedName()
                    + " but the agent enrols as " + name + "; they must be the same");
        }
    }
}
