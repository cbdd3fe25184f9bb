package io.labctl.web.internal;

import io.labctl.api.Identity;
import io.labctl.api.web.AgentsOnly;
import io.labctl.api.web.PeerPrincipal;
import io.labctl.api.web.Public;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.security.Principal;
import java.security.cert.X509Certificate;

/**
 * The one enforcement point for REST. Runs after matching so it can read the matched method's annotations:
 * {@link Public} passes without a certificate; {@link AgentsOnly} needs an agent; everything else needs the
 * admin user until role-based access control lands. Unmatched requests never get here (they are 404 anyway).
 */
@Priority(Priorities.AUTHENTICATION)
final class AuthenticationFilter implements ContainerRequestFilter {
    /** Set by Jetty's SecureRequestCustomizer; Jersey exposes servlet attributes as request properties. */
    static final String CERTIFICATES_PROPERTY = "jakarta.servlet.request.X509Certificate";

    private final PeerVerifier verifier;

    @Context
    private ResourceInfo resourceInfo;

    AuthenticationFilter(PeerVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        Method method = resourceInfo.getResourceMethod();
        Class<?> type = resourceInfo.getResourceClass();
        // public routes skip the revocation lookup: health must stay cheap, enrolment has no certificate yet
        if (annotated(method, type, Public.class)) {
            return;
        }
        String requestId = (String) request.getProperty(RequestIds.ATTRIBUTE);
        Object certificates = request.getProperty(CERTIFICATES_PROPERTY);
        PeerVerifier.Outcome outcome = verifier.verify(
                certificates instanceof X509Certificate[] chain ? chain : null,
                (String) request.getProperty(RequestIds.REMOTE_ADDRESS_ATTRIBUTE));
        if (outcome instanceof PeerVerifier.Refused refused) {
            request.abortWith(Errors.response(401, refused.reason().code, refused.reason().message, requestId));
            return;
        }
        PeerPrincipal peer = ((PeerVerifier.Accepted) outcome).principal();
        Identity identity = peer.identity();
        if (annotated(method, type, AgentsOnly.class)) {
            if (identity.kind() != Identity.Kind.AGENT) {
                request.abortWith(Errors.response(403, "agents_only",
                        "this route is for lab-agent certificates only; " + identity + " cannot call it", requestId));
                return;
            }
        } else if (!identity.isAdmin()) {
            String message = identity.kind() == Identity.Kind.AGENT
                    ? "agent certificates cannot call user routes"
                    : identity + " may not call this route: until role-based access control is available only "
                            + "the admin user may; ask an admin";
            request.abortWith(Errors.response(403, "forbidden", message, requestId));
            return;
        }
        boolean secure = request.getSecurityContext().isSecure();
        request.setSecurityContext(new PeerSecurityContext(peer, secure));
    }

    private static boolean annotated(Method method, Class<?> type, Class<? extends Annotation> annotation) {
        return (method != null && method.isAnnotationPresent(annotation))
                || (type != null && type.isAnnotationPresent(annotation));
    }

    /** Roles are the identity kinds ("agent", "user", "labd") plus "admin"; RBAC will replace this. */
    private record PeerSecurityContext(PeerPrincipal peer, boolean secure) implements SecurityContext {
        @Override
        public Principal getUserPrincipal() {
            return peer;
        }

        @Override
        public boolean isUserInRole(String role) {
            return peer.identity().kind().unit().equals(role)
                    || (Identity.ADMIN.equals(role) && peer.identity().isAdmin());
        }

        @Override
        public boolean isSecure() {
            return secure;
        }

        @Override
        public String getAuthenticationScheme() {
            return SecurityContext.CLIENT_CERT_AUTH;
        }
    }
}
