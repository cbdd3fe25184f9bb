package io.labctl.kube.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * A TEST DOUBLE of a Kubernetes API server, since no real one (nor k3s) can run on these machines: HTTPS (Jetty, as
 * labd's web bundle) on loopback with a CA of its own, made by the real openssl (an EC key in SEC1 form, as k3s writes
 * them), answering {@code /version} to anyone and {@code /api} only to the client certificate or bearer token it
 * issued, as a real API server with anonymous access does. For the real kubectl it serves legacy discovery
 * ({@code /api}, {@code /apis}, {@code /api/v1}) and pods of namespace {@code default}: list (as JSON, or as the Table
 * kubectl prints), get, delete, watch, logs with follow, and exec over a WebSocket upgrade (subprotocols
 * {@code v5.channel.k8s.io} and {@code v4.channel.k8s.io}, as kubectl 1.30 and later speak it before falling back to
 * SPDY), and port-forward over a WebSocket that tunnels SPDY/3.1 (see {@link PortForwardSession}) to a loopback port the
 * test chooses ({@link #forwardPort}). Exec runs nothing: it answers a few commands deterministically (see
 * {@link ExecSession}). It records what each
 * request carried, so tests can check what labd sent.
 */
public final class ApiServerDouble implements AutoCloseable {
    public static final String VERSION = "v1.33.1+double";
    /** The exec subprotocols this double speaks, in kubectl's order of preference. */
    public static final List<String> EXEC_PROTOCOLS = List.of("v5.channel.k8s.io", "v4.channel.k8s.io");
    /** The port-forward subprotocol: SPDY/3.1 tunnelled through the WebSocket (kubectl 1.31 and later). */
    public static final String PORT_FORWARD_PROTOCOL = "SPDY/3.1+portforward.k8s.io";
    /** The annotation {@link #touch} sets: when the event was published, in nanoseconds since the epoch. */
    public static final String PUBLISHED = "double.labctl.io/published";

    private static final String PODS = "/api/v1/namespaces/default/pods";

    private final Path dir;
    private final String token = UUID.randomUUID().toString().replace("-", "");
    private final Server server;
    private final ServerConnector connector;
    /**
     * One line per request: "PATH AUTH" with AUTH cert:CN, bearer:ok|bad, or none; an upgrade adds the subprotocol it
     * chose (websocket:[OFFERED] when none); a request that impersonates ends with " as:USER" (and ",group:G" for each
     * Impersonate-Group), as a proxy in front of the API server sends them.
     */
    public final List<String> requests = new CopyOnWriteArrayList<>();
    /** The execs accepted, in order. */
    public final List<Exec> execs = new CopyOnWriteArrayList<>();
    /** Terminal sizes kubectl sent on the resize channel of a TTY exec, as it sent them (JSON). */
    public final List<String> resizes = new CopyOnWriteArrayList<>();
    /** Port-forwarded connections, one line each: "POD_PORT -> LOCAL_PORT" (null when the port was not mapped). */
    public final List<String> forwarded = new CopyOnWriteArrayList<>();
    /** Where a port-forward to a pod's port goes: a loopback port the test listens on (the same for every pod). */
    private final java.util.Map<Integer, Integer> forwards = new java.util.concurrent.ConcurrentHashMap<>();
    /** Pods of the namespace "default", by name: what list, get, watch and delete see. */
    private final java.util.Map<String, String> pods = new java.util.concurrent.ConcurrentSkipListMap<>();
    /** Open watches of pods: each gets every later change as one line. */
    private final List<java.util.concurrent.BlockingQueue<String>> watches = new CopyOnWriteArrayList<>();
    /** Log lines of each pod, and the lines a follow gets after them. */
    private final java.util.Map<String, java.util.concurrent.BlockingQueue<String>> logs = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicLong resourceVersion = new java.util.concurrent.atomic.AtomicLong(100);

    /** An exec kubectl asked for: the pod, the command vector, and whether it wanted stdin and a TTY. */
    public record Exec(String pod, List<String> command, boolean stdin, boolean tty, String protocol) {}

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
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", certificate("ca.crt"));
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(keys);
        tls.setKeyStorePassword("double");
        tls.setTrustStore(trust);
        tls.setWantClientAuth(true);   // a token caller has no certificate

        QueuedThreadPool threads = new QueuedThreadPool(200, 4);   // watches and log follows hold their thread
        threads.setName("api-server-double");
        threads.setDaemon(true);
        server = new Server(threads);
        server.setStopTimeout(1_000);
        HttpConfiguration http = new HttpConfiguration();
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        http.addCustomizer(secure);
        connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setIdleTimeout(java.time.Duration.ofMinutes(30).toMillis());   // a quiet watch stays open, as on an API server
        server.addConnector(connector);

        ContextHandler context = new ContextHandler("/");
        WebSocketUpgradeHandler sockets = WebSocketUpgradeHandler.from(server, context, container -> {
            container.setIdleTimeout(java.time.Duration.ofMinutes(10));   // kubectl pings an open exec
            container.addMapping(PODS + "/*", this::upgrade);
        });
        sockets.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                serve(request, response, callback);
                return true;
            }
        });
        context.setHandler(sockets);
        server.setHandler(context);
        server.start();
    }

    /** Starts one; its CA, keys and certificates go to dir. */
    public static ApiServerDouble start(Path dir) throws Exception {
        return new ApiServerDouble(dir);
    }

    public String url() {
        return "https://127.0.0.1:" + connector.getLocalPort();
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
        String pod = pod(name, phase, "");
        pods.put(name, pod);
        event(known ? "MODIFIED" : "ADDED", pod);
    }

    /** Adds pods pod-00001 ... pod-N (Running), for listings of a realistic size. */
    public void addPods(int count) {
        for (int i = 1; i <= count; i++) {
            putPod(String.format("pod-%05d", i), "Running");
        }
    }

    /**
     * Publishes a MODIFIED event of a known pod now, stamped with the time of publishing (annotation
     * {@link #PUBLISHED}, nanoseconds since the epoch), so a watcher can tell how long the event took to reach it.
     * Returns that time.
     */
    public long touch(String name) {
        if (!pods.containsKey(name)) {
            throw new IllegalArgumentException("no pod " + name);
        }
        String phase = pods.get(name).replaceAll(".*\"phase\":\"([^\"]*)\".*", "$1");
        java.time.Instant now = java.time.Instant.now();
        long published = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        String pod = pod(name, phase, ",\"annotations\":{\"" + PUBLISHED + "\":\"" + published + "\"}");
        pods.put(name, pod);
        event("MODIFIED", pod);
        return published;
    }

    /** A port-forward to podPort (of any pod) connects to localPort on loopback, where the test listens. */
    public void forwardPort(int podPort, int localPort) {
        forwards.put(podPort, localPort);
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

    private String pod(String name, String phase, String moreMetadata) {
        return "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"" + name
                + "\",\"namespace\":\"default\",\"uid\":\"" + UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8))
                + "\",\"resourceVersion\":\"" + resourceVersion.incrementAndGet() + "\",\"creationTimestamp\":\"2026-01-01T00:00:00Z\","
                + "\"labels\":{\"app.kubernetes.io/name\":\"" + name.replaceAll("-[0-9]+$", "") + "\"}" + moreMetadata + "},"
                + "\"spec\":{\"containers\":[{\"name\":\"main\",\"image\":\"nginx\"}]},"
                + "\"status\":{\"phase\":\"" + phase + "\"}}";
    }

    private void serve(Request request, Response response, Callback callback) {
        String auth = authOf(request);
        String path = request.getHttpURI().getPath();
        String query = request.getHttpURI().getQuery() == null ? "" : request.getHttpURI().getQuery();
        requests.add(path + " " + auth + impersonation(request));
        boolean authenticated = authenticated(auth);
        String method = request.getMethod();
        String accept = String.valueOf(request.getHeaders().get(HttpHeader.ACCEPT));
        if (path.equals("/version")) {
            json(response, callback, 200, "{\"major\":\"1\",\"minor\":\"33\",\"gitVersion\":\"" + VERSION
                    + "\",\"platform\":\"linux/amd64\"}");
        } else if (!authenticated) {
            int status = auth.equals("none") ? 403 : 401;
            json(response, callback, status, status(status, "Unauthorized"));
        } else if (path.equals("/api")) {
            json(response, callback, 200, "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":[]}");
        } else if (path.equals("/apis")) {
            json(response, callback, 200, "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[]}");
        } else if (path.equals("/api/v1")) {
            json(response, callback, 200, "{\"kind\":\"APIResourceList\",\"groupVersion\":\"v1\",\"resources\":["
                    + resource("pods", "pod", "Pod", true, "\"create\",\"delete\",\"get\",\"list\",\"watch\"", "\"po\"")
                    + "," + resource("pods/log", "", "Pod", true, "\"get\"", null)
                    + "," + resource("pods/exec", "", "PodExecOptions", true, "\"create\",\"get\"", null)
                    + "," + resource("pods/attach", "", "PodAttachOptions", true, "\"create\",\"get\"", null)
                    + "," + resource("pods/portforward", "", "PodPortForwardOptions", true, "\"create\",\"get\"", null)
                    + "," + resource("secrets", "secret", "Secret", true, "\"get\",\"list\"", null)
                    + "," + resource("namespaces", "namespace", "Namespace", false, "\"get\",\"list\"", "\"ns\"") + "]}");
        } else if (path.equals(PODS) && method.equals("GET")) {
            if (query.contains("watch=true") || query.contains("watch=1")) {
                watch(response, callback);
            } else if (accept.contains("as=Table")) {
                json(response, callback, 200, table());
            } else {
                json(response, callback, 200, "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\""
                        + resourceVersion.get() + "\"},\"items\":[" + String.join(",", pods.values()) + "]}");
            }
        } else if (path.startsWith(PODS + "/")) {
            pod(response, callback, method, path.substring(PODS.length() + 1), query);
        } else {
            json(response, callback, 404, status(404, "NotFound"));
        }
    }

    private void pod(Response response, Callback callback, String method, String rest, String query) {
        String name = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
        String pod = pods.get(name);
        if (pod == null) {
            json(response, callback, 404, status(404, "NotFound"));
        } else if (rest.endsWith("/log")) {
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
            java.util.concurrent.BlockingQueue<String> lines = logs.computeIfAbsent(name,
                    p -> new java.util.concurrent.LinkedBlockingQueue<>());
            try (OutputStream out = Content.Sink.asOutputStream(response)) {
                List<String> sent = new ArrayList<>(lines);
                for (String line : sent) {
                    out.write(line.getBytes(StandardCharsets.UTF_8));
                }
                out.flush();
                if (query.contains("follow=true")) {
                    // the follow gets what is logged later; it ends when the client goes away
                    int seen = sent.size();
                    while (!closed) {
                        List<String> now = new ArrayList<>(lines);
                        for (String line : now.subList(seen, now.size())) {
                            out.write(line.getBytes(StandardCharsets.UTF_8));
                        }
                        out.flush();
                        seen = now.size();
                        Thread.sleep(20);
                    }
                }
                callback.succeeded();
            } catch (IOException | InterruptedException e) {
                callback.failed(e);   // the client went away
            }
        } else if (rest.equals(name) && method.equals("GET")) {
            json(response, callback, 200, pod);
        } else if (rest.equals(name) && method.equals("DELETE")) {
            pods.remove(name);
            event("DELETED", pod);
            json(response, callback, 200, pod);
        } else {
            json(response, callback, 405, status(405, "MethodNotAllowed"));
        }
    }

    private void watch(Response response, Callback callback) {
        java.util.concurrent.BlockingQueue<String> events = new java.util.concurrent.LinkedBlockingQueue<>();
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            out.flush();   // the headers now: kubectl's watch is open before any event
            watches.add(events);
            while (!closed) {
                String line = events.poll(100, TimeUnit.MILLISECONDS);
                if (line != null) {
                    out.write(line.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
            callback.succeeded();
        } catch (IOException | InterruptedException e) {
            callback.failed(e);   // the client went away
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

    /**
     * A WebSocket upgrade under the pods: exec (and attach, which is exec of {@code cat}) and port-forward, authenticated as every
     * other request, in one of {@link #EXEC_PROTOCOLS}. Anything else is answered as a plain request would be, so
     * kubectl sees the status it would see from an API server that cannot upgrade (and falls back to SPDY).
     */
    private Object upgrade(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
        String auth = authOf(request);
        String path = request.getHttpURI().getPath();
        String rest = path.substring(PODS.length() + 1);
        List<String> speaks = rest.endsWith("/portforward") ? List.of(PORT_FORWARD_PROTOCOL) : EXEC_PROTOCOLS;
        String protocol = request.getSubProtocols().stream().filter(speaks::contains).findFirst().orElse(null);
        requests.add(path + " " + auth + " " + (protocol == null ? "websocket:" + request.getSubProtocols() : protocol)
                + impersonation(request));
        String name = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
        if (!authenticated(auth)) {
            int status = auth.equals("none") ? 403 : 401;
            return refuse(response, callback, status, status(status, "Unauthorized"));
        }
        if (!pods.containsKey(name)) {
            return refuse(response, callback, 404, status(404, "NotFound"));
        }
        boolean attach = rest.equals(name + "/attach");
        boolean portForward = rest.equals(name + "/portforward");
        if (!attach && !portForward && !rest.equals(name + "/exec")) {
            return refuse(response, callback, 400, status(400, "BadRequest"));
        }
        if (protocol == null) {
            return refuse(response, callback, 400, status(400, "BadRequest"));
        }
        if (portForward) {
            response.setAcceptedSubProtocol(protocol);
            return new PortForwardSession(forwards::get, forwarded);
        }
        Fields query = Request.extractQueryParameters(request);
        List<String> command = attach ? List.of("cat") : query.getValues("command");
        if (command == null || command.isEmpty()) {
            return refuse(response, callback, 400, status(400, "BadRequest"));
        }
        Exec exec = new Exec(name, List.copyOf(command), "true".equals(query.getValue("stdin")),
                "true".equals(query.getValue("tty")), protocol);
        execs.add(exec);
        response.setAcceptedSubProtocol(protocol);
        return new ExecSession(exec, resizes);
    }

    private static Object refuse(ServerUpgradeResponse response, Callback callback, int status, String body) {
        json(response, callback, status, body);
        return null;
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

    private static void json(Response response, Callback callback, int status, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }

    private static String impersonation(Request request) {
        String user = request.getHeaders().get("Impersonate-User");
        if (user == null) {
            return "";
        }
        StringBuilder line = new StringBuilder(" as:").append(user);
        List<String> groups = request.getHeaders().getValuesList("Impersonate-Group");
        groups.forEach(g -> line.append(",group:").append(g));
        return line.toString();
    }

    private boolean authenticated(String auth) {
        return auth.startsWith("cert:") || auth.equals("bearer:ok");
    }

    private String authOf(Request request) {
        EndPoint.SslSessionData tls = (EndPoint.SslSessionData) request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE);
        X509Certificate[] chain = tls == null ? null : tls.peerCertificates();
        if (chain != null && chain.length > 0) {
            return "cert:" + chain[0].getSubjectX500Principal().getName();
        }
        String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (header == null) {
            return "none";
        }
        return header.equals("Bearer " + token) ? "bearer:ok" : "bearer:bad";
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
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the API server double", e);
        }
    }
}
