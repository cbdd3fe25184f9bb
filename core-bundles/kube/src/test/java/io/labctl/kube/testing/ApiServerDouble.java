package io.labctl.kube.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;

/**
 * A TEST DOUBLE of a Kubernetes API server, since no real one (nor k3s) can run on these machines: HTTPS on
 * loopback with a CA of its own, made by the real openssl (an EC key in SEC1 form, as k3s writes them), answering
 * {@code /version} to anyone and {@code /api} only to the client certificate or bearer token it issued, as a real
 * API server with anonymous access does. For the real kubectl it serves legacy discovery ({@code /api},
 * {@code /apis}, {@code /api/v1}) and pods of namespace {@code default}: list (as JSON, or as the Table kubectl
 * prints), get, delete, watch, and logs with follow. It records what each request carried, so tests can check what
 * labd sent.
 */
public final class ApiServerDouble implements AutoCloseable {
    public static final String VERSION = "v1.33.1+double";

    private final Path dir;
    private final String token = UUID.randomUUID().toString().replace("-", "");
    private final HttpsServer server;
    /**
     * One line per request: "PATH AUTH" with AUTH cert:CN, bearer:ok|bad, or none, then " as:USER" when it
     * impersonated USER.
     */
    public final List<String> requests = new CopyOnWriteArrayList<>();
    /** Pods of the namespace "default", by name: what list, get, watch and delete see. */
    private final java.util.Map<String, String> pods = new java.util.concurrent.ConcurrentSkipListMap<>();
    /** Open watches of pods: each gets every later change as one line. */
    private final List<java.util.concurrent.BlockingQueue<String>> watches = new CopyOnWriteArrayList<>();
    /** Log lines of each pod, and the lines a follow gets after them. */
    private final java.util.Map<String, java.util.concurrent.BlockingQueue<String>> logs = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicLong resourceVersion = new java.util.concurrent.atomic.AtomicLong(100);

    private ApiServerDouble(Path dir) throws Exception {
        this.dir = dir;
        Files.createDirectories(dir);
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key");
        openssl("req", "-x509", "-new", "-key", "ca.key", "-subj", "/CN=api-server-double-ca", "-days", "2", "-out", "ca.crt");
        issue("server", "/CN=kube-apiserver", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
        issue("client", "/CN=labd/O=system:masters", "extendedKeyUsage=clientAuth\n");
        openssl("pkcs12", "-export", "-inkey", "server.key", "-in", "server.crt", "-out", "server.p12", "-passout", "pass:double");

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
            keys.load(in, "double".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "double".toCharArray());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", certificate("ca.crt"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl) {
            @Override
            public void configure(HttpsParameters params) {
                params.setWantClientAuth(true);   // a token caller has no certificate
            }
        });
        server.createContext("/", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "api-server-double");
            t.setDaemon(true);
            return t;
        }));   // watches and log follows hold their thread
        server.start();
    }

    /** Starts one; its CA, keys and certificates go to dir. */
    public static ApiServerDouble start(Path dir) throws Exception {
        return new ApiServerDouble(dir);
    }

    public String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A kubeconfig with one context that authenticates with the client certificate (cert) or the token (token). */
    public String kubeconfig(String auth) throws IOException {
        String user = "token".equals(auth) ? "    token: " + token + "\n"
                : "    client-certificate-data: " + b64(read("client.crt")) + "\n    client-key-data: " + b64(read("client.key")) + "\n";
        return "apiVersion: v1\nkind: Config\ncurrent-context: double\nclusters:\n- name: double\n  cluster:\n"
                + "    server: " + url() + "\n    certificate-authority-data: " + b64(read("ca.crt")) + "\n"
                + "users:\n- name: double\n  user:\n" + user
                + "contexts:\n- name: double\n  context: {cluster: double, user: double}\n";
    }

    /** Where the double's CA and client credentials are on disk (for kubeconfigs that reference files). */
    public Path dir() {
        return dir;
    }

    /** Adds (or replaces) a pod in namespace "default"; open watches see it. */
    public void putPod(String name, String phase) {
        boolean known = pods.containsKey(name);
        String pod = pod(name, phase);
        pods.put(name, pod);
        event(known ? "MODIFIED" : "ADDED", pod);
    }

    /** Waits until this many watches of pods are open (false past the time). */
    public boolean awaitWatches(int count, java.time.Duration within) throws InterruptedException {
        long until = System.nanoTime() + within.toNanos();
        while (watches.size() < count) {
            if (System.nanoTime() - until > 0) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** Appends a line to a pod's log; a follow of it gets the line at once. */
    public void log(String pod, String line) {
        logs.computeIfAbsent(pod, p -> new java.util.concurrent.LinkedBlockingQueue<>()).add(line + "\n");
    }

    private void event(String type, String object) {
        String line = "{\"type\":\"" + type + "\",\"object\":" + object + "}\n";
        watches.forEach(w -> w.add(line));
    }

    private String pod(String name, String phase) {
        return "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"" + name
                + "\",\"namespace\":\"default\",\"uid\":\"" + UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8))
                + "\",\"resourceVersion\":\"" + resourceVersion.incrementAndGet() + "\",\"creationTimestamp\":\"2026-01-01T00:00:00Z\","
                + "\"labels\":{\"app.kubernetes.io/name\":\"" + name.replaceAll("-[0-9]+$", "") + "\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"main\",\"image\":\"nginx\"}]},"
                + "\"status\":{\"phase\":\"" + phase + "\"}}";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String auth = authOf((HttpsExchange) exchange);
            String path = exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery();
            String as = exchange.getRequestHeaders().getFirst("Impersonate-User");
            requests.add(path + " " + auth + (as == null ? "" : " as:" + as));
            boolean authenticated = auth.startsWith("cert:") || auth.equals("bearer:ok");
            String method = exchange.getRequestMethod();
            String accept = String.valueOf(exchange.getRequestHeaders().getFirst("Accept"));
            if (path.equals("/version")) {
                json(exchange, 200, "{\"major\":\"1\",\"minor\":\"33\",\"gitVersion\":\"" + VERSION
                        + "\",\"platform\":\"linux/amd64\"}");
            } else if (!authenticated) {
                int status = auth.equals("none") ? 403 : 401;
                json(exchange, status, status(status, "Unauthorized"));
            } else if (path.equals("/api")) {
                json(exchange, 200, "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":[]}");
            } else if (path.equals("/apis")) {
                json(exchange, 200, "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[]}");
            } else if (path.equals("/api/v1")) {
                json(exchange, 200, "{\"kind\":\"APIResourceList\",\"groupVersion\":\"v1\",\"resources\":["
                        + resource("pods", "pod", "Pod", true, "\"create\",\"delete\",\"get\",\"list\",\"watch\"", "\"po\"")
                        + "," + resource("pods/log", "", "Pod", true, "\"get\"", null)
                        + "," + resource("pods/exec", "", "PodExecOptions", true, "\"create\",\"get\"", null)
                        + "," + resource("secrets", "secret", "Secret", true, "\"get\",\"list\"", null)
                        + "," + resource("namespaces", "namespace", "Namespace", false, "\"get\",\"list\"", "\"ns\"") + "]}");
            } else if (path.equals("/api/v1/namespaces/default/pods") && method.equals("GET")) {
                if (query.contains("watch=true") || query.contains("watch=1")) {
                    watch(exchange);
                } else if (accept.contains("as=Table")) {
                    json(exchange, 200, table());
                } else {
                    json(exchange, 200, "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\""
                            + resourceVersion.get() + "\"},\"items\":[" + String.join(",", pods.values()) + "]}");
                }
            } else if (path.startsWith("/api/v1/namespaces/default/pods/")) {
                pod(exchange, method, path.substring("/api/v1/namespaces/default/pods/".length()), query);
            } else {
                json(exchange, 404, status(404, "NotFound"));
            }
        }
    }

    private void pod(HttpExchange exchange, String method, String rest, String query) throws IOException {
        String name = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
        String pod = pods.get(name);
        if (pod == null) {
            json(exchange, 404, status(404, "NotFound"));
        } else if (rest.endsWith("/log")) {
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, 0);
            java.util.concurrent.BlockingQueue<String> lines = logs.computeIfAbsent(name,
                    p -> new java.util.concurrent.LinkedBlockingQueue<>());
            List<String> sent = new ArrayList<>(lines);
            for (String line : sent) {
                exchange.getResponseBody().write(line.getBytes(StandardCharsets.UTF_8));
            }
            exchange.getResponseBody().flush();
            if (query.contains("follow=true")) {
                // the follow gets what is logged later; it ends when the client goes away
                int seen = sent.size();
                try {
                    while (!closed) {
                        List<String> now = new ArrayList<>(lines);
                        for (String line : now.subList(seen, now.size())) {
                            exchange.getResponseBody().write(line.getBytes(StandardCharsets.UTF_8));
                        }
                        exchange.getResponseBody().flush();
                        seen = now.size();
                        Thread.sleep(20);
                    }
                } catch (IOException | InterruptedException e) {
                    // the client went away
                }
            }
        } else if (rest.equals(name) && method.equals("GET")) {
            json(exchange, 200, pod);
        } else if (rest.equals(name) && method.equals("DELETE")) {
            pods.remove(name);
            event("DELETED", pod);
            json(exchange, 200, pod);
        } else {
            json(exchange, 405, status(405, "MethodNotAllowed"));
        }
    }

    private void watch(HttpExchange exchange) throws IOException {
        java.util.concurrent.BlockingQueue<String> events = new java.util.concurrent.LinkedBlockingQueue<>();
        watches.add(events);
        try {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, 0);
            while (!closed) {
                String line = events.poll(100, TimeUnit.MILLISECONDS);
                if (line != null) {
                    exchange.getResponseBody().write(line.getBytes(StandardCharsets.UTF_8));
                    exchange.getResponseBody().flush();
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away
        } finally {
            watches.remove(events);
        }
    }

    /** The pods as a meta.k8s.io Table: what kubectl asks for to print its columns. */
    private String table() {
        List<String> rows = new ArrayList<>();
        for (String name : pods.keySet()) {
            String pod = pods.get(name);
            String phase = pod.replaceAll(".*\"phase\":\"([^\"]*)\".*", "$1");
            rows.add("{\"cells\":[\"" + name + "\",\"" + phase + "\",\"1/1\"],\"object\":{\"kind\":\"PartialObjectMetadata\","
                    + "\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"default\"}}}");
        }
        return "{\"kind\":\"Table\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":{\"resourceVersion\":\""
                + resourceVersion.get() + "\"},\"columnDefinitions\":[{\"name\":\"Name\",\"type\":\"string\",\"format\":\"name\"},"
                + "{\"name\":\"Status\",\"type\":\"string\",\"format\":\"\"},{\"name\":\"Ready\",\"type\":\"string\",\"format\":\"\"}],"
                + "\"rows\":[" + String.join(",", rows) + "]}";
    }

    private static String resource(String name, String singular, String kind, boolean namespaced, String verbs,
                                   String shortNames) {
        return "{\"name\":\"" + name + "\",\"singularName\":\"" + singular + "\",\"namespaced\":" + namespaced
                + ",\"kind\":\"" + kind + "\",\"verbs\":[" + verbs + "]"
                + (shortNames == null ? "" : ",\"shortNames\":[" + shortNames + "]") + "}";
    }

    private static String status(int code, String reason) {
        return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"reason\":\""
                + reason + "\",\"code\":" + code + "}";
    }

    private static void json(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private String authOf(HttpsExchange exchange) {
        try {
            Certificate[] peer = exchange.getSSLSession().getPeerCertificates();
            return "cert:" + ((X509Certificate) peer[0]).getSubjectX500Principal().getName();
        } catch (SSLPeerUnverifiedException e) {
            String header = exchange.getRequestHeaders().getFirst("Authorization");
            if (header == null) {
                return "none";
            }
            return header.equals("Bearer " + token) ? "bearer:ok" : "bearer:bad";
        }
    }

    private void issue(String name, String subject, String extensions) throws Exception {
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", name + ".key");
        openssl("req", "-new", "-key", name + ".key", "-subj", subject, "-out", name + ".csr");
        Files.writeString(dir.resolve(name + ".ext"), extensions);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days",
                "2", "-extfile", name + ".ext", "-out", name + ".crt");
    }

    private void openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
    }

    private X509Certificate certificate(String file) throws Exception {
        try (InputStream in = Files.newInputStream(dir.resolve(file))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private String read(String file) throws IOException {
        return Files.readString(dir.resolve(file));
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        closed = true;
        server.stop(0);
    }
}
