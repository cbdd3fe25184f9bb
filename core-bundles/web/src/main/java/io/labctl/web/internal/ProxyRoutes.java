package io.labctl.web.internal;

import io.labctl.api.ApiException;
import io.labctl.api.Identity;
import io.labctl.api.access.AccessDecisions;
import io.labctl.api.access.Gate;
import io.labctl.api.audit.AuditWriter;
import io.labctl.api.web.Forward;
import io.labctl.api.web.PeerPrincipal;
import io.labctl.api.web.ProxyRoute;
import io.labctl.protocol.Api;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy whiteboard: {@link ProxyRoute}s by name, and the checks every request under {@code /proxy/NAME/} passes
 * before its route is asked (a certificate labd accepts, a user's, the guards running). Plain requests are
 * forwarded by {@link ProxyHandler}, WebSocket upgrades by {@link ProxyUpgrades}; both start here.
 */
final class ProxyRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyRoutes.class);
    static final String CONTEXT = "/proxy";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern PATH = Pattern.compile("^" + CONTEXT + "/([^/]+)(/.*)?$");
    private static final Pattern SESSION_ID = Pattern.compile("[a-z0-9-]{1,64}");

    private final Map<String, ProxyRoute> routes = new ConcurrentHashMap<>();
    private final PeerVerifier verifier;
    private final Guards guards;
    private final Unidentified unidentified;
    final OpenUserStreams openStreams;

    ProxyRoutes(PeerVerifier verifier, Guards guards, Unidentified unidentified, OpenUserStreams openStreams) {
        this.verifier = verifier;
        this.guards = guards;
        this.unidentified = unidentified;
        this.openStreams = openStreams;
    }

    /** Registers a route under its name; false (logged) when the name is missing or not one path segment. */
    boolean add(ProxyRoute route, Object name) {
        if (!(name instanceof String n) || !NAME.matcher(n).matches()) {
            LOG.error("proxy route {} declares no valid {} (one segment: a-z, 0-9, '-'); it is not served",
                    route.getClass().getName(), ProxyRoute.NAME_PROPERTY);
            return false;
        }
        ProxyRoute previous = routes.put(n, route);
        if (previous != null && previous != route) {
            LOG.warn("two proxy routes claim {}/{}; the newer one ({}) now takes new requests", CONTEXT, n,
                    route.getClass().getName());
        }
        LOG.info("proxy route {}/{} served by {}", CONTEXT, n, route.getClass().getName());
        return true;
    }

    /** Only stops new requests: open ones end on their own or when their access ends. */
    void remove(ProxyRoute route) {
        routes.values().removeIf(r -> r == route);
    }

    /** What a request was refused with, and by which route (for the error's form), if one was found. */
    static final class Refused extends RuntimeException {
        final int status;
        final String code;
        final ProxyRoute route;

        Refused(int status, String code, String message, ProxyRoute route) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
            this.route = route;
        }
    }

    /** A request its route admitted: the exchange (its audit row) and where it goes. */
    record Admitted(ProxyRoute route, ProxyExchange exchange, Forward forward) {}

    /**
     * Identity, route, then the route's own decision. Throws {@link Refused}; every refusal of a caller labd knows is
     * in the audit trail (unidentified callers at a bounded rate, as elsewhere).
     */
    Admitted admit(Request request, boolean upgrade) {
        String remoteAddress = Request.getRemoteAddr(request);
        EndPoint.SslSessionData tls = (EndPoint.SslSessionData) request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
        X509Certificate[] chain = tls == null ? null : tls.peerCertificates();
        String rawPath = request.getHttpURI().getPath();
        PeerVerifier.Outcome outcome = verifier.verify(chain, remoteAddress);
        if (outcome instanceof PeerVerifier.Refused refused) {
            unidentified.audit(refused.reason(), chain, remoteAddress, "proxy", rawPath);
            throw new Refused(refused.reason() == PeerVerifier.Refusal.NO_CERTIFICATE ? 401 : 403,
                    refused.reason().code, refused.reason().message, null);
        }
        Matcher m = rawPath == null ? null : PATH.matcher(rawPath);
        ProxyRoute route = m != null && m.matches() ? routes.get(m.group(1)) : null;
        if (route == null) {
            throw new Refused(404, "no_such_route", "nothing is served at " + rawPath + " (is the capability that"
                    + " serves it installed?)", null);
        }
        AuditWriter audit = guards.audit();
        AccessDecisions access = guards.access();
        Gate gate = guards.gate();
        if (audit == null || access == null || gate == null) {
            throw new Refused(503, audit == null ? "audit-unavailable" : "access-control-unavailable",
                    "labd refuses every request while its " + (audit == null ? "audit trail" : "access control")
                            + " is not running; an administrator must start it", route);
        }
        PeerPrincipal peer = ((PeerVerifier.Accepted) outcome).principal();
        String header = request.getHeaders().get(Api.SESSION_HEADER);
        String sessionId = header != null && SESSION_ID.matcher(header).matches() ? header : RequestIds.of(request);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HttpField field : request.getHeaders()) {
            headers.computeIfAbsent(field.getName(), k -> new ArrayList<>()).add(field.getValue());
        }
        String rest = m.group(2) == null ? "/" : m.group(2);
        ProxyExchange exchange = new ProxyExchange(new RequestCaller(peer, sessionId, access), request.getMethod(),
                rest, request.getHttpURI().getQuery(), headers, upgrade, gate, audit, remoteAddress, m.group(1));
        if (peer.identity().kind() != Identity.Kind.USER) {
            ApiException denied = exchange.deny("forbidden", peer.identity().kind().unit()
                    + " certificates cannot use " + CONTEXT + "/" + m.group(1));
            throw new Refused(denied.status(), denied.code(), denied.getMessage(), route);
        }
        try {
            Forward forward = route.forward(exchange);
            if (forward == null || exchange.admitted().isEmpty()) {
                // deny by default: a route that forgot to admit anything forwards nothing
                LOG.error("proxy route {} answered without admitting the request; refused", route.getClass().getName());
                throw new Refused(500, "route-admitted-nothing", "the route for " + CONTEXT + "/" + m.group(1)
                        + " did not check this request; labd refuses it", route);
            }
            return new Admitted(route, exchange, forward);
        } catch (ApiException e) {
            throw new Refused(e.status(), e.code(), e.getMessage(), route);
        } catch (IllegalArgumentException e) {
            throw new Refused(400, "invalid-request", e.getMessage(), route);
        }
    }

    /** Watches an admitted request until it ends: it is ended (with ending) once the caller loses what admitted it. */
    OpenUserStreams.Watched watch(Admitted admitted, OpenUserStreams.Ending ending) {
        ProxyExchange ex = admitted.exchange();
        OpenUserStreams.Watched watched = new OpenUserStreams.Watched(ex.identity(),
                ex.caller().peer().certificate().getSerialNumber(),
                ex.admitted().get(0), ex.heldBeyondFirst(guards::access), ending);
        openStreams.add(watched);
        return watched;
    }

    /** The error body in the route's form when it has one, else labd's JSON error. */
    static ProxyRoute.Error error(ProxyRoute route, int status, String code, String message, String requestId) {
        ProxyRoute.Error own = null;
        if (route != null) {
            try {
                own = route.error(status, code, message);
            } catch (RuntimeException e) {
                LOG.warn("proxy route {} failed to format an error: {}", route.getClass().getName(), e.toString());
            }
        }
        return own != null ? own : new ProxyRoute.Error("application/json", Errors.jsonBytes(code, message, requestId));
    }
}
