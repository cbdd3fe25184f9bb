package io.labctl.kube.internal;

import io.labctl.api.ApiException;
import io.labctl.api.web.Forward;
import io.labctl.api.web.ProxyRequest;
import io.labctl.api.web.ProxyRoute;
import io.labctl.protocol.Json;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.kube.ClusterInfo;
import java.net.URI;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The kubectl proxy: {@code /proxy/kube/CLUSTER/...} is CLUSTER's API server as the caller may use it. Each request
 * is read as the API server will read it ({@link KubeRequest}), admitted for every action it needs on
 * {@code CLOUD:ENV:cluster/CLUSTER} (each refusal audited), recorded with its verb, resource, namespace and name, and
 * forwarded with the cluster's stored credential, naming the caller to the cluster where that credential may
 * impersonate. Impersonation headers from callers are refused: only labd says who a request is for.
 */
@Component(service = ProxyRoute.class, property = ProxyRoute.NAME_PROPERTY + "=" + KubeProxy.NAME)
public final class KubeProxy implements ProxyRoute {
    static final String NAME = "kube";

    private final ClusterService clusters;

    @Activate
    public KubeProxy(@Reference ClusterService clusters) {
        this.clusters = clusters;
    }

    @Override
    public Forward forward(ProxyRequest request) {
        String path = request.path();
        int slash = path.indexOf('/', 1);
        String name = slash < 0 ? path.substring(1) : path.substring(1, slash);
        String apiPath = slash < 0 ? "/" : path.substring(slash);
        KubeRequest kube;
        try {
            ClusterInfo.requireName(name);
            kube = KubeRequest.parse(request.method(), apiPath, request.query());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-request", e.getMessage());
        }
        request.describe("kubectl." + kube.auditVerb(), ClusterInfo.RESOURCE_PREFIX + name, attributes(name, kube));
        for (String header : request.headerNames()) {
            if (header.toLowerCase(Locale.ROOT).startsWith("impersonate-")) {
                throw request.deny("impersonation-refused", "labd refuses " + header + " headers: it names you to the"
                        + " cluster itself; remove --as/--as-group from the kubectl command");
            }
        }
        ClusterRow row = clusters.row(name);
        for (Action action : kube.actions()) {
            request.admit(ClusterService.on(action, row));
        }
        // only now is the sealed kubeconfig opened: a refused caller costs no unsealing and no TLS set-up
        ClusterService.Upstream upstream = clusters.upstream(row);
        Map<String, String> headers = new HashMap<>(upstream.server().credentialHeaders());
        if (upstream.row().impersonate) {
            headers.putAll(ApiServer.impersonating(request.caller().identity().name()));
        }
        String query = request.query() == null ? "" : "?" + request.query();
        return new Forward(URI.create(upstream.server().server() + apiPath + query), upstream.server().client(),
                headers);
    }

    /** Refusals in the form kubectl prints ("Error from server (Forbidden): ..."): a Kubernetes Status. */
    @Override
    public Error error(int status, String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", "Status");
        body.put("apiVersion", "v1");
        body.put("metadata", Map.of());
        body.put("status", "Failure");
        body.put("message", message);
        body.put("reason", reason(status));
        body.put("details", Map.of("causes", java.util.List.of(Map.of("reason", code))));
        body.put("code", status);
        try {
            return new Error("application/json", Json.json().writeValueAsBytes(body));
        } catch (Exception e) {
            return null;
        }
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "BadRequest";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "NotFound";
            case 409 -> "Conflict";
            case 413 -> "RequestEntityTooLarge";
            case 503 -> "ServiceUnavailable";
            case 504 -> "Timeout";
            default -> "InternalError";
        };
    }

    private static Map<String, String> attributes(String cluster, KubeRequest kube) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("cluster", cluster);
        a.put("verb", kube.verb());
        if (kube.resourceRequest()) {
            if (!kube.group().isEmpty()) {
                a.put("group", kube.group());
            }
            a.put("resource", kube.resource());
            if (kube.subresource() != null) {
                a.put("subresource", kube.subresource());
            }
            if (kube.namespace() != null) {
                a.put("namespace", kube.namespace());
            }
            if (kube.name() != null) {
                a.put("name", kube.name());
            }
        }
        return a;
    }
}
