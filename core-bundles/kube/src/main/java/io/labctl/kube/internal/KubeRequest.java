package io.labctl.kube.internal;

import io.labctl.protocol.access.Action;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a request to a Kubernetes API server asks, read from its method, path and query the way the API server itself
 * reads them (verb, API group and version, namespace, resource, subresource, name), and the labctl actions it needs
 * on the cluster: every request {@code kubectl}; writes also {@code manage}, deletes {@code destroy}; exec, attach,
 * port-forward, ephemeral containers and the proxy subresource (a way into a pod) {@code exec}; reading Secrets
 * {@code manage}. A path that could mean something else to the API server than to this reading (dot segments,
 * encoded slashes, empty segments) is refused, so a check can never be made on one request and another one sent.
 */
record KubeRequest(String verb, String group, String version, String namespace, String resource, String subresource,
                   String name, boolean resourceRequest) {
    private static final Set<String> INTO_A_POD = Set.of("exec", "attach", "portforward", "proxy", "ephemeralcontainers");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._:~@+=-]{1,253}");
    private static final int MAX_PATH = 4096;

    /** Parses a request; IllegalArgumentException (a 400 for the caller) names what is wrong. */
    static KubeRequest parse(String method, String path, String query) {
        if (path == null || path.isEmpty() || path.charAt(0) != '/' || path.length() > MAX_PATH) {
            throw new IllegalArgumentException("not an API path: " + path);
        }
        String lower = path.toLowerCase(Locale.ROOT);
        if (lower.contains("%2f") || lower.contains("%5c") || lower.contains("%2e") || path.contains("\\")) {
            throw new IllegalArgumentException("encoded '/', '\\' or '.' in the path are refused: " + path);
        }
        List<String> parts = new ArrayList<>();
        String[] raw = path.substring(1).split("/", -1);
        for (int i = 0; i < raw.length; i++) {
            String p = raw[i];
            if (p.isEmpty() && i == raw.length - 1 && i > 0) {
                break;   // one trailing slash, as the API server takes it
            }
            if (p.equals(".") || p.equals("..") || !SEGMENT.matcher(p).matches()) {
                throw new IllegalArgumentException("path segment '" + p + "' is refused: " + path);
            }
            parts.add(p);
        }
        String m = method == null ? "" : method.toUpperCase(Locale.ROOT);
        boolean watchParam = query != null && Pattern.compile("(^|&)watch=(true|1)(&|$)").matcher(query).find();
        int start;
        String group;
        String version;
        if (parts.size() >= 2 && parts.get(0).equals("api")) {
            group = "";
            version = parts.get(1);
            start = 2;
        } else if (parts.size() >= 3 && parts.get(0).equals("apis")) {
            group = parts.get(1);
            version = parts.get(2);
            start = 3;
        } else {
            // /version, /api, /apis, /apis/GROUP, /openapi/..., /healthz: discovery and health, reads only
            return new KubeRequest(m.toLowerCase(Locale.ROOT), null, null, null, null, null, null, false);
        }
        List<String> rest = parts.subList(start, parts.size());
        boolean watchPrefix = !rest.isEmpty() && rest.get(0).equals("watch");
        if (watchPrefix) {
            rest = rest.subList(1, rest.size());
        }
        if (rest.isEmpty()) {
            return new KubeRequest(m.toLowerCase(Locale.ROOT), group, version, null, null, null, null, false);
        }
        String namespace = null;
        if (rest.get(0).equals("namespaces") && rest.size() >= 3) {
            namespace = rest.get(1);
            rest = rest.subList(2, rest.size());
        } else if (rest.get(0).equals("namespaces") && rest.size() == 2) {
            namespace = rest.get(1);   // the namespace object itself
        }
        String resource = rest.get(0);
        String name = rest.size() >= 2 ? rest.get(1) : null;
        String subresource = rest.size() >= 3 ? rest.get(2) : null;
        if (rest.size() > 3 && !"proxy".equals(subresource)) {
            throw new IllegalArgumentException("a resource path has at most resource/name/subresource: " + path);
        }
        String verb = switch (m) {
            case "GET", "HEAD" -> watchPrefix || watchParam ? "watch" : name == null ? "list" : "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> name == null ? "deletecollection" : "delete";
            default -> throw new IllegalArgumentException("method " + method + " is not one the API server serves");
        };
        return new KubeRequest(verb, group, version, namespace, resource, subresource, name, true);
    }

    /**
     * The verb as the audit trail names it: the API server's verb, except for a way into a pod (exec, attach,
     * portforward ...), which is named after it whatever the method carrying it.
     */
    String auditVerb() {
        return subresource != null && INTO_A_POD.contains(subresource) ? subresource : verb;
    }

    /** The labctl actions this request needs on the cluster, kubectl first. */
    Set<Action> actions() {
        EnumSet<Action> needed = EnumSet.of(Action.KUBECTL);
        if (!resourceRequest) {
            if (!verb.equals("get") && !verb.equals("head")) {
                needed.add(Action.MANAGE);   // only discovery and health are read this way
            }
            return needed;
        }
        if (subresource != null && INTO_A_POD.contains(subresource)) {
            needed.add(Action.EXEC);
            if (!subresource.equals("ephemeralcontainers")) {
                return needed;   // a stream into a pod is exec whatever carries it: GET (WebSocket) or POST (SPDY)
            }
        }
        switch (verb) {
            case "create", "update", "patch" -> needed.add(Action.MANAGE);
            case "delete", "deletecollection" -> needed.add(Action.DESTROY);
            default -> {
                if (group.isEmpty() && resource.equals("secrets")) {
                    needed.add(Action.MANAGE);   // reading a Secret is reading its credentials
                }
            }
        }
        return needed;
    }
}
