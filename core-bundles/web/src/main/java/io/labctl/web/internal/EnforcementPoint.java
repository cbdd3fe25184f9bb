package io.labctl.web.internal;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.access.Gate;
import io.labctl.api.audit.AuditWriter;
import io.labctl.api.web.Caller;
import io.labctl.api.web.PeerPrincipal;
import io.labctl.protocol.Api;
import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.access.Permission;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;
import java.lang.reflect.Method;
import java.security.Principal;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The one enforcement point for REST. Runs after matching, so it knows the route's {@link Declaration}:
 * identity from the verified client certificate, then the {@link Gate} (which audits its refusals), then (for
 * admitted requests) an in-flight audit event that {@link AuditedInvocation} completes around the handler. Refusals
 * before the gate (wrong kind of certificate, a guard missing) are audited here.
 * Without the access-control or audit service every request but the health check is refused (fail closed).
 */
@Priority(Priorities.AUTHENTICATION)
final class EnforcementPoint implements ContainerRequestFilter, ContainerResponseFilter {
    /** Set by Jetty's SecureRequestCustomizer; Jersey exposes servlet attributes as request properties. */
    static final String CERTIFICATES_PROPERTY = "jakarta.servlet.request.X509Certificate";
    private static final Pattern SESSION_ID = Pattern.compile("[a-z0-9-]{1,64}");
    /** The admitted request on this thread: Jersey runs filters and the resource method on one thread. */
    private static final ThreadLocal<InFlight> IN_FLIGHT = new ThreadLocal<>();

    /** An admitted request waiting for its outcome. */
    record InFlight(AuditWriter audit, AuditWriter.Event event, boolean changesState) {}

    private final PeerVerifier verifier;
    private final Guards guards;
    private final Unidentified unidentified;
    private final Map<Method, Declaration> declarations = new ConcurrentHashMap<>();

    @Context
    private ResourceInfo resourceInfo;

    EnforcementPoint(PeerVerifier verifier, Guards guards, Unidentified unidentified) {
        this.verifier = verifier;
        this.guards = guards;
        this.unidentified = unidentified;
    }

    /** Hands the in-flight event to the invocation exactly once. */
    static InFlight take() {
        InFlight f = IN_FLIGHT.get();
        IN_FLIGHT.remove();
        return f;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        IN_FLIGHT.remove();
        Method method = resourceInfo.getResourceMethod();
        Declaration declaration = method == null ? null : declarations.computeIfAbsent(method, Declaration::of);
        String requestId = (String) request.getProperty(RequestIds.ATTRIBUTE);
        if (declaration == null) {
            // registration refuses undeclared resources; this is the belt to those braces
            request.abortWith(Errors.response(403, "undeclared_route", "this route declares no permission", requestId));
            return;
        }
        if (declaration.kind() == Declaration.Kind.PUBLIC && !declaration.audited()) {
            return; // the health check
        }
        String source = (String) request.getProperty(RequestIds.REMOTE_ADDRESS_ATTRIBUTE);
        String resource = "/" + request.getUriInfo().getPath();
        String session = sessionId(request, requestId);
        AuditWriter audit = guards.audit();
        if (audit == null) {
            request.abortWith(Errors.response(503, "audit-unavailable", "the audit trail is not running, so labd refuses "
                    + "every request it cannot record; an administrator must start it (feature:install labd-audit)",
                    requestId));
            return;
        }
        if (declaration.kind() == Declaration.Kind.PUBLIC) {
            IN_FLIGHT.set(new InFlight(audit, new AuditWriter.Event("anonymous", session, source, declaration.verb(),
                    resource), changesState(request)));
            return;
        }

        Object certificates = request.getProperty(CERTIFICATES_PROPERTY);
        X509Certificate[] chain = certificates instanceof X509Certificate[] c ? c : null;
        PeerVerifier.Outcome outcome = verifier.verify(chain, source);
        if (outcome instanceof PeerVerifier.Refused refused) {
            // anyone can cause these, so they are audited through the rate limit (a flood costs a few rows)
            unidentified.audit(refused.reason(), chain, source, declaration.verb(), resource);
            request.abortWith(Errors.response(401, refused.reason().code, refused.reason().message, requestId));
            return;
        }
        PeerPrincipal peer = ((PeerVerifier.Accepted) outcome).principal();
        Identity identity = peer.identity();
        AuditWriter.Event event = new AuditWriter.Event(auditName(identity), session, source, declaration.verb(), resource);

        if (declaration.kind() == Declaration.Kind.AGENTS) {
            if (identity.kind() != Identity.Kind.AGENT) {
                deny(request, audit, event, 403, "agents_only", "this route is for lab-agent certificates only; "
                        + identity + " cannot call it", requestId);
                return;
            }
            admit(request, audit, event, peer, session, null);
            return;
        }
        if (identity.kind() != Identity.Kind.USER) {
            deny(request, audit, event, 403, "forbidden", identity.kind().unit()
                    + " certificates cannot call user routes", requestId);
            return;
        }
        AccessDecisions access = guards.access();
        Gate gate = guards.gate();
        if (access == null || gate == null) {
            deny(request, audit, event, 503, "access-control-unavailable", "access control is not running, so labd "
                    + "refuses every request; an administrator must start it (feature:install labd-rbac)", requestId);
            return;
        }
        if (declaration.kind() == Declaration.Kind.REQUIRES) {
            try {
                if (declaration.perItem()) {
                    gate.admitSomewhere(identity, declaration.action(), event); // the service checks each item
                } else if (declaration.serverParameter().isEmpty()) {
                    gate.admit(identity, Permission.everywhere(declaration.action()), event);
                } else {
                    String server = request.getUriInfo().getPathParameters().getFirst(declaration.serverParameter());
                    gate.admit(identity, access.onServer(declaration.action(), server), event);
                }
            } catch (ApiException refused) {
                request.abortWith(Errors.response(refused.status(), refused.code(), refused.getMessage(), requestId));
                return;
            }
        }
        admit(request, audit, event, peer, session, access);
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        IN_FLIGHT.remove(); // aborted requests never reach the invocation; do not leak their event to the next one
    }

    private void admit(ContainerRequestContext request, AuditWriter audit, AuditWriter.Event event, PeerPrincipal peer,
                       String session, AccessDecisions access) {
        boolean secure = request.getSecurityContext().isSecure();
        Principal principal = access == null ? peer : new RequestCaller(peer, session, access);
        request.setSecurityContext(new CallerSecurityContext(principal, secure));
        IN_FLIGHT.set(new InFlight(audit, event, changesState(request)));
    }

    private static void deny(ContainerRequestContext request, AuditWriter audit, AuditWriter.Event event, int status,
                             String code, String message, String requestId) {
        try {
            audit.record(event, AuditEntry.DENIED, 0L, message);
        } catch (ApiException e) {
            request.abortWith(Errors.response(e.status(), e.code(), e.getMessage(), requestId));
            return;
        } catch (RuntimeException e) {
            request.abortWith(Errors.response(503, "audit-unavailable", "the audit log cannot be written; labd refuses "
                    + "actions it cannot record", requestId));
            return;
        }
        request.abortWith(Errors.response(status, code, message, requestId));
    }

    private static boolean changesState(ContainerRequestContext request) {
        String m = request.getMethod();
        return !("GET".equals(m) || "HEAD".equals(m) || "OPTIONS".equals(m));
    }

    private static String sessionId(ContainerRequestContext request, String requestId) {
        String header = request.getHeaderString(Api.SESSION_HEADER);
        return header != null && SESSION_ID.matcher(header).matches() ? header : requestId;
    }

    /** Users by name (as the audit filters take them); agents and labd instances as kind/name. */
    static String auditName(Identity identity) {
        return identity.kind() == Identity.Kind.USER ? identity.name() : identity.toString();
    }

    /** The principal is a {@link Caller} for users, the bare peer for agents. */
    private record CallerSecurityContext(Principal principal, boolean secure) implements SecurityContext {
        @Override
        public Principal getUserPrincipal() {
            return principal;
        }

        @Override
        public boolean isUserInRole(String role) {
            return false; // roles are not names here: resources ask the Caller for permissions
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
