package io.labctl.protocol.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labctl.protocol.InvalidInput;
import io.labctl.protocol.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The one reading of a kubeconfig: labctl takes the context the user chose out of their file (file references read
 * and inlined) and sends only that ({@link #minify}); labd reads what it received the same way but never follows a
 * file reference, since a path a client names must not make labd read its own files. Credentials labd cannot use
 * safely are refused with what to do instead: exec plugins and auth providers (labd runs no program from a
 * kubeconfig), impersonation (labd sets it itself), plain HTTP and unverified TLS.
 */
public final class Kubeconfig {
    /** A kubeconfig with one context is a few KiB; one with many, some tens. */
    public static final int MAX_BYTES = 256 * 1024;
    public static final String AUTH_CLIENT_CERTIFICATE = "client-certificate";
    public static final String AUTH_TOKEN = "token";
    public static final String AUTH_BASIC = "basic";
    public static final String AUTH_NONE = "none";
    private static final String CODE = "invalid-kubeconfig";
    private static final Set<String> CLUSTER_FIELDS = Set.of("server", "certificate-authority-data",
            "certificate-authority", "insecure-skip-tls-verify", "tls-server-name", "proxy-url", "extensions",
            "disable-compression");
    private static final Set<String> USER_FIELDS = Set.of("client-certificate-data", "client-key-data",
            "client-certificate", "client-key", "token", "tokenFile", "username", "password", "exec", "auth-provider",
            "as", "as-uid", "as-groups", "as-user-extra", "extensions");

    private Kubeconfig() {}

    /** Reads what a file reference names, for labctl (relative paths against the kubeconfig's folder). */
    @FunctionalInterface
    public interface Files {
        byte[] read(String path) throws IOException;
    }

    /** One context with all labd dials its API server with. PEM texts; toString shows no secret. */
    public record Context(String name, String server, String namespace, String certificateAuthority,
                          String clientCertificate, String clientKey, String token, String username, String password) {
        /** How labd authenticates at the API server: one of the AUTH_ constants. */
        public String auth() {
            if (clientCertificate != null) {
                return AUTH_CLIENT_CERTIFICATE;
            }
            if (token != null) {
                return AUTH_TOKEN;
            }
            return username != null ? AUTH_BASIC : AUTH_NONE;
        }

        @Override
        public String toString() {
            return "Context[name=" + name + ", server=" + server + ", namespace=" + namespace + ", auth=" + auth() + "]";
        }
    }

    /**
     * The context named {@code context} (null or blank: the file's current-context) of a kubeconfig. {@code files}
     * null refuses file references; otherwise they are read through it and inlined.
     */
    public static Context select(String yaml, String context, Files files) {
        if (yaml == null || yaml.isBlank()) {
            throw invalid("the kubeconfig is empty");
        }
        if (yaml.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw invalid("the kubeconfig is larger than " + MAX_BYTES / 1024 + " KiB: is it the right file?");
        }
        JsonNode root;
        try {
            root = Json.yaml().readTree(yaml);
        } catch (JsonProcessingException e) {
            throw invalid("the kubeconfig is not valid YAML: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw invalid("the kubeconfig is not a kubeconfig (a YAML map with clusters, users and contexts)");
        }
        String wanted = context == null || context.isBlank() ? text(root, "current-context") : context.strip();
        if (wanted == null || wanted.isEmpty()) {
            throw invalid("the kubeconfig has no current-context: name one with --kube-context (contexts: "
                    + names(root.path("contexts")) + ")");
        }
        JsonNode ctx = named(root.path("contexts"), wanted, "context");
        if (ctx == null) {
            throw invalid("the kubeconfig has no context '" + wanted + "' (contexts: " + names(root.path("contexts"))
                    + ")");
        }
        JsonNode contextBody = ctx.path("context");
        String clusterName = text(contextBody, "cluster");
        String userName = text(contextBody, "user");
        if (clusterName == null) {
            throw invalid("context '" + wanted + "' names no cluster");
        }
        JsonNode clusterEntry = named(root.path("clusters"), clusterName, "cluster");
        if (clusterEntry == null) {
            throw invalid("context '" + wanted + "' names cluster '" + clusterName + "', which the kubeconfig lacks");
        }
        JsonNode cluster = clusterEntry.path("cluster");
        JsonNode user = null;
        if (userName != null) {
            JsonNode userEntry = named(root.path("users"), userName, "user");
            if (userEntry == null) {
                throw invalid("context '" + wanted + "' names user '" + userName + "', which the kubeconfig lacks");
            }
            user = userEntry.path("user");
        }
        return read(wanted, text(contextBody, "namespace"), cluster, user, files);
    }

    private static Context read(String name, String namespace, JsonNode cluster, JsonNode user, Files files) {
        unknownFields(cluster, CLUSTER_FIELDS, "cluster");
        String server = text(cluster, "server");
        if (server == null || server.isEmpty()) {
            throw invalid("the cluster of context '" + name + "' has no server");
        }
        if (!server.startsWith("https://") || server.length() > 2048 || server.chars().anyMatch(c -> c <= ' ')) {
            throw invalid("server '" + server + "' is not an https:// URL: labd sends credentials only over TLS");
        }
        if (cluster.path("insecure-skip-tls-verify").asBoolean(false)) {
            throw invalid("the cluster sets insecure-skip-tls-verify: labd only talks to an API server it can verify;"
                    + " give its CA (certificate-authority-data)");
        }
        for (String field : List.of("tls-server-name", "proxy-url")) {
            if (cluster.has(field)) {
                throw invalid("the cluster sets " + field + ", which labd does not support yet: make a context that"
                        + " reaches the API server directly by a name or address its certificate holds");
            }
        }
        String ca = pem(cluster, "certificate-authority", files, "the cluster's CA");
        if (ca == null) {
            throw invalid("the cluster has no certificate-authority-data: labd verifies the API server against it"
                    + " (the system's CAs are not used for clusters)");
        }
        String cert = null;
        String key = null;
        String token = null;
        String username = null;
        String password = null;
        if (user != null && !user.isMissingNode() && !user.isNull()) {
            if (user.has("exec")) {
                String command = text(user.path("exec"), "command");
                throw invalid("the user authenticates with an exec plugin (" + (command == null ? "a command" : command)
                        + "); labd runs no program from a kubeconfig. Give labd its own credential: a client"
                        + " certificate, or a service account's token (kubectl create token NAME --duration ...)");
            }
            if (user.has("auth-provider")) {
                throw invalid("the user authenticates with an auth-provider (" + text(user.path("auth-provider"), "name")
                        + "), which labd does not run; give labd a client certificate or a service account's token");
            }
            for (String field : List.of("as", "as-uid", "as-groups", "as-user-extra")) {
                if (user.has(field)) {
                    throw invalid("the user sets '" + field + "' (impersonation): labd impersonates each labctl user"
                            + " itself; remove it");
                }
            }
            unknownFields(user, USER_FIELDS, "user");
            cert = pem(user, "client-certificate", files, "the client certificate");
            key = pem(user, "client-key", files, "the client key");
            if ((cert == null) != (key == null)) {
                throw invalid("the user has a client " + (cert == null ? "key but no certificate" : "certificate but no key"));
            }
            token = user.has("token") ? text(user, "token") : fileText(user, "tokenFile", files);
            if (token != null) {
                token = token.strip();
                if (token.isEmpty() || token.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
                    throw invalid("the user's token is empty or holds spaces or control characters");
                }
            }
            username = text(user, "username");
            password = text(user, "password");
            if ((username == null) != (password == null)) {
                throw invalid("the user has a " + (username == null ? "password but no username" : "username but no password"));
            }
        }
        return new Context(name, server.replaceAll("/+$", ""), namespace, ca, cert, key, token, username, password);
    }

    /**
     * A kubeconfig with this one context alone, its credentials inlined: what labctl sends and labd seals.
     * {@link #select} with no context gives the same context back.
     */
    public static String minify(Context c) {
        ObjectNode root = Json.yaml().createObjectNode();
        root.put("apiVersion", "v1");
        root.put("kind", "Config");
        ObjectNode cluster = root.putArray("clusters").addObject();
        cluster.put("name", c.name());
        ObjectNode clusterBody = cluster.putObject("cluster");
        clusterBody.put("server", c.server());
        clusterBody.put("certificate-authority-data", base64(c.certificateAuthority()));
        ObjectNode user = root.putArray("users").addObject();
        user.put("name", c.name());
        ObjectNode userBody = user.putObject("user");
        if (c.clientCertificate() != null) {
            userBody.put("client-certificate-data", base64(c.clientCertificate()));
            userBody.put("client-key-data", base64(c.clientKey()));
        }
        if (c.token() != null) {
            userBody.put("token", c.token());
        }
        if (c.username() != null) {
            userBody.put("username", c.username());
            userBody.put("password", c.password());
        }
        ObjectNode context = root.putArray("contexts").addObject();
        context.put("name", c.name());
        ObjectNode contextBody = context.putObject("context");
        contextBody.put("cluster", c.name());
        contextBody.put("user", c.name());
        if (c.namespace() != null) {
            contextBody.put("namespace", c.namespace());
        }
        root.put("current-context", c.name());
        try {
            return Json.yaml().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code FIELD-data} (base64 PEM) or {@code FIELD} (a file, read only through files). */
    private static String pem(JsonNode node, String field, Files files, String what) {
        String data = text(node, field + "-data");
        String text;
        if (data != null) {
            try {
                text = new String(Base64.getMimeDecoder().decode(data), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw invalid(field + "-data is not base64: " + e.getMessage());
            }
        } else {
            text = fileText(node, field, files);
        }
        if (text == null) {
            return null;
        }
        if (!text.contains("-----BEGIN ")) {
            throw invalid(what + " (" + field + ") is not PEM: it should hold a '-----BEGIN ...' block");
        }
        return text;
    }

    private static String fileText(JsonNode node, String field, Files files) {
        String path = text(node, field);
        if (path == null) {
            return null;
        }
        if (files == null) {
            throw invalid(field + " names a file (" + path + "); labd reads no file a client names: send the data inline"
                    + " (labctl clusters add inlines it)");
        }
        try {
            byte[] bytes = files.read(path);
            if (bytes.length > MAX_BYTES) {
                throw invalid(field + " " + path + " is larger than " + MAX_BYTES / 1024 + " KiB");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw invalid("cannot read " + field + " " + path + ": " + e.getMessage());
        }
    }

    private static void unknownFields(JsonNode node, Set<String> known, String what) {
        if (!node.isObject()) {
            throw invalid("the " + what + " entry is not a map");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!known.contains(field)) {
                throw invalid("the " + what + " has a field labd does not know: '" + field + "'; remove it, or give"
                        + " labd a kubeconfig made for it (docs/kubernetes.md)");
            }
        }
    }

    private static JsonNode named(JsonNode list, String name, String what) {
        if (list.isMissingNode() || list.isNull()) {
            return null;
        }
        if (!(list instanceof ArrayNode array)) {
            throw invalid("the kubeconfig's " + what + "s are not a list");
        }
        JsonNode found = null;
        for (JsonNode entry : array) {
            if (name.equals(text(entry, "name"))) {
                if (found != null) {
                    throw invalid("the kubeconfig has two " + what + "s named '" + name + "'");
                }
                found = entry;
            }
        }
        return found;
    }

    private static String names(JsonNode list) {
        List<String> names = new ArrayList<>();
        if (list instanceof ArrayNode array) {
            array.forEach(e -> names.add(String.valueOf(text(e, "name"))));
        }
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        if (!v.isValueNode()) {
            throw invalid("'" + field + "' should be a plain value, not " + (v.isArray() ? "a list" : "a map"));
        }
        return v.asText();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static InvalidInput invalid(String message) {
        return new InvalidInput(CODE, "kubeconfig", message);
    }
}
