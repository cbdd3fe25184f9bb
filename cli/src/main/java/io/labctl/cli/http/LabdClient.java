package io.labctl.cli.http;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labctl.cli.CliException;
import io.labctl.cli.config.ContextEntry;
import io.labctl.protocol.Api;
import io.labctl.protocol.ApiError;
import io.labctl.protocol.Json;
import io.labctl.protocol.Progress;
import io.labctl.protocol.TlsSuites;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;

/**
 * labd's REST API over HTTPS with the JDK's HttpClient. Every failure comes out as a {@link CliException} with the
 * exit code scripts rely on: 1 when labd answered with an error, 255 when labd could not be reached or understood.
 */
public final class LabdClient {
    /** Largest response body labctl reads. */
    public static final int MAX_RESPONSE_BYTES = 16 << 20;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);
    /**
     * HTTP clients by TLS identity (CA, certificate, key), so that a labctl session serving many invocations keeps
     * its connections to labd and their TLS sessions. A one-shot labctl holds one entry. Bounded: when full, the
     * cache starts over (the dropped clients' idle connections close on their own).
     */
    private static final Map<String, HttpClient> CLIENTS = new ConcurrentHashMap<>();
    private static final int MAX_CLIENTS = 16;
    /** A one-shot labctl runs C1 only (the launcher's flags); a labctl session sets AES-GCM first (it has C2). */
    private static volatile List<String> cipherSuites = TlsSuites.CHACHA20_FIRST;

    private final URI base;
    private final HttpClient http;
    private final String contextName;
    private final String sessionId;

    private LabdClient(String server, HttpClient http, String contextName, String sessionId) {
        this.base = parseServer(server, contextName);
        this.http = http;
        this.contextName = contextName;
        this.sessionId = sessionId;
    }

    /** The TLS cipher suites, in the order this JVM asks labd for them; call before the first request. */
    public static void preferCipherSuites(List<String> suites) {
        cipherSuites = List.copyOf(suites);
        CLIENTS.clear();
    }

    /**
     * Mutual TLS with the context's client certificate, trusting only the context's CA.
     *
     * @param sessionId the invocation's id for labd's audit log ({@link io.labctl.cli.Cli#sessionId()})
     */
    public static LabdClient forContext(ContextEntry ctx, String sessionId) {
        HttpClient http;
        try {
            http = httpClient(ctx.caCertificate(), ctx.certificate(), ctx.privateKey());
        } catch (IllegalArgumentException e) {
            throw CliException.usage("context '" + ctx.name() + "' has an unusable " + e.getMessage()
                    + "; import its credential bundle again (labctl config import <bundle>)");
        }
        return new LabdClient(ctx.server(), http, ctx.name(), sessionId);
    }

    /** Server-authenticated TLS only (no client certificate): for the health check. */
    public static LabdClient anonymous(String server, String caPem) {
        HttpClient http;
        try {
            http = httpClient(caPem, null, null);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("unusable " + e.getMessage());
        }
        return new LabdClient(server, http, null, newSessionId());
    }

    private static HttpClient httpClient(String caPem, String certPem, String keyPem) {
        String identity = caPem + "\0" + certPem + "\0" + keyPem;
        HttpClient cached = CLIENTS.get(identity);
        if (cached != null) {
            return cached;
        }
        SSLContext ssl = Tls.context(caPem, certPem, keyPem);
        SSLParameters params = ssl.getDefaultSSLParameters();
        params.setCipherSuites(cipherSuites.toArray(new String[0]));
        // Hostname verification stays on: the JDK client checks the server certificate against the URL's host.
        HttpClient http = HttpClient.newBuilder()
                .sslContext(ssl)
                .sslParameters(params)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        if (CLIENTS.size() >= MAX_CLIENTS) {
            CLIENTS.clear();
        }
        HttpClient raced = CLIENTS.putIfAbsent(identity, http);
        return raced != null ? raced : http;
    }

    public URI base() {
        return base;
    }

    /** The server URL as the user wrote it, without the trailing slash. */
    public String display() {
        String s = base.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** 8 lower-case hex characters: enough that one user's invocations on one day practically never collide. */
    public static String newSessionId() {
        byte[] b = new byte[4];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public <T> T get(String path, Class<T> type) {
        return send(request(path).GET(), Json.json().constructType(type));
    }

    public <T> T get(String path, JavaType type) {
        return send(request(path).GET(), type);
    }

    public <T> T post(String path, Object body, Class<T> type) {
        return post(path, body, type, REQUEST_TIMEOUT);
    }

    /** {@link #post(String, Object, Class)} for a request that takes longer than most (a rollout answered at its end). */
    public <T> T post(String path, Object body, Class<T> type, Duration timeout) {
        byte[] json;
        try {
            json = Json.json().writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return send(request(path).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json)), Json.json().constructType(type));
    }

    /**
     * POSTs a JSON body to an endpoint that answers with newline-delimited JSON ({@code application/x-ndjson}, one
     * object a line, flushed as it happens) and hands each non-blank line to {@code lines} as it arrives. An HTTP
     * error is a {@link LabdRefusal}; a connection lost mid-stream is exit 255. Each line is bounded like a whole
     * answer of {@link #post}.
     */
    public void postLines(String path, Object body, java.util.function.Consumer<String> lines) {
        postLines(path, body, contentType -> { }, lines);
    }

    /**
     * POSTs to an endpoint that answers with {@link Progress} events when asked ({@code agents upgrade}, {@code system
     * upgrade}): hands each event to {@code progress} as it arrives and returns the answer ({@link Progress#FINAL})
     * decoded as {@code type}. A plain JSON answer (labd had nothing to report on the way, or predates the events) is
     * decoded as it is. An {@link Progress#ERROR} event is a {@link LabdRefusal}, as the HTTP error it stands for.
     */
    public <T> T postProgress(String path, Object body, Class<T> type, java.util.function.Consumer<Progress> progress) {
        boolean[] events = {false};
        StringBuilder plain = new StringBuilder();
        Object[] answer = {null};
        postLines(path, body, contentType -> events[0] = contentType != null
                && contentType.toLowerCase(Locale.ROOT).startsWith(Progress.CONTENT_TYPE), line -> {
            if (!events[0]) {
                if (plain.length() + line.length() > MAX_RESPONSE_BYTES) {
                    throw CliException.unreachable("labd at " + display() + " sent an answer longer than "
                            + (MAX_RESPONSE_BYTES >> 20) + " MiB; refusing to read it", null);
                }
                plain.append(line).append('\n');
                return;
            }
            Progress e;
            try {
                e = Json.json().readValue(line, Progress.class);
            } catch (IOException ex) {
                throw CliException.unreachable("labd sent a line that is not a progress event: "
                        + line.substring(0, Math.min(line.length(), 120)), ex);
            }
            if (answer[0] != null) {
                return;  // nothing comes after the answer
            }
            if (Progress.ERROR.equals(e.type())) {
                throw new LabdRefusal(e.status() == null ? 500 : e.status(), e.code(), e.message() == null
                        ? "labd refused the request" : e.message());
            }
            if (Progress.FINAL.equals(e.type())) {
                answer[0] = decode(e.result() == null ? "null" : e.result().toString(), type, path);
            } else if (!Progress.KEEP_ALIVE.equals(e.type())) {
                progress.accept(e);
            }
        });
        if (!events[0]) {
            return decode(plain.toString(), type, path);
        }
        if (answer[0] == null) {
            throw CliException.unreachable("labd at " + display() + " ended its answer to " + path + " before the result;"
                    + " what was done is in the audit log (labctl get audit)", null);
        }
        return type.cast(answer[0]);
    }

    private <T> T decode(String json, Class<T> type, String path) {
        try {
            return Json.json().readValue(json, type);
        } catch (IOException e) {
            throw CliException.unreachable("labd at " + display() + " answered " + path + " with something that is not"
                    + " the expected JSON (" + firstLine(e.getMessage()) + "); is the server URL pointing at labd?", e);
        }
    }

    /**
     * GETs an answer that may go on as long as the caller reads (a log follow through labd's proxy) and hands each
     * line to {@code lines} as it arrives; errors as {@link #postLines(String, Object, java.util.function.Consumer)}.
     */
    public void getLines(String path, java.util.function.Consumer<String> lines) {
        readLines(untimed(path).GET().build(), contentType -> { }, lines);
    }

    private void postLines(String path, Object body, java.util.function.Consumer<String> contentType,
                           java.util.function.Consumer<String> lines) {
        byte[] json;
        try {
            json = Json.json().writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        HttpRequest req = request(path).setHeader("Accept", "application/x-ndjson, application/json")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(json)).build();
        readLines(req, contentType, lines);
    }

    private void readLines(HttpRequest req, java.util.function.Consumer<String> contentType,
                           java.util.function.Consumer<String> lines) {
        HttpResponse<InputStream> resp;
        try {
            resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.unreachable("interrupted while talking to labd at " + display(), e);
        } catch (IOException e) {
            throw failure(e);
        }
        try (InputStream in = new java.io.BufferedInputStream(resp.body())) {
            if (resp.statusCode() >= 400) {
                throw refusal(resp.statusCode(), in.readNBytes(MAX_RESPONSE_BYTES));
            }
            contentType.accept(resp.headers().firstValue("Content-Type").orElse(null));
            java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
            for (int b = in.read(); ; b = in.read()) {
                if (b == '\n' || b < 0) {
                    String text = line.toString(StandardCharsets.UTF_8);
                    line.reset();
                    if (!text.isBlank()) {
                        lines.accept(text);
                    }
                    if (b < 0) {
                        return;
                    }
                } else if (line.size() >= MAX_RESPONSE_BYTES) {
                    throw CliException.unreachable("labd at " + display() + " sent a line longer than "
                            + (MAX_RESPONSE_BYTES >> 20) + " MiB; refusing to read it", null);
                } else {
                    line.write(b);
                }
            }
        } catch (IOException e) {
            throw CliException.unreachable("lost the connection to labd at " + display() + " while reading "
                    + req.uri().getPath() + ": " + firstLine(rootMessage(e)), e);
        }
    }

    /** PUT without a body (bindings); returns the decoded body, or null when labd answers 204. */
    public <T> T put(String path, Class<T> type) {
        return send(request(path).PUT(HttpRequest.BodyPublishers.noBody()),
                type == null ? null : Json.json().constructType(type));
    }

    /** DELETE; returns the decoded body, or null when labd answers 204. */
    public <T> T delete(String path, Class<T> type) {
        return send(request(path).DELETE(), type == null ? null : Json.json().constructType(type));
    }

    /** labd's answer to an upload: its status (201 created, 200 unchanged) and decoded body. */
    public record Uploaded<T>(int status, T body) {}

    /**
     * POSTs a file as an application/octet-stream body, streamed from disk (never whole in memory), reporting the
     * bytes sent so far to progress. {@code Expect: 100-continue}: a body labd refuses by its length (413) or by
     * who sends it is never sent. The timeout grows with the size (a minute plus one per 10 MiB).
     */
    public <T> Uploaded<T> upload(String path, Path file, Class<T> type, LongConsumer progress) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw CliException.usage("cannot read " + file + ": " + e.getMessage());
        }
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> counting(file, progress)), size);
        int[] status = {0};
        T answer = send(request(path).timeout(REQUEST_TIMEOUT.plusSeconds(60 * (size / (10 << 20))))
                .expectContinue(true).header("Content-Type", "application/octet-stream").POST(body),
                Json.json().constructType(type), status);
        return new Uploaded<>(status[0], answer);
    }

    private static InputStream counting(Path file, LongConsumer progress) {
        try {
            return new java.io.FilterInputStream(Files.newInputStream(file)) {
                private long sent;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n > 0) {
                        sent += n;
                        progress.accept(sent);
                    }
                    return n;
                }
            };
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private HttpRequest.Builder request(String path) {
        return untimed(path).timeout(REQUEST_TIMEOUT);
    }

    /** A request without a time bound: for answers that last as long as the user wants (a follow). */
    private HttpRequest.Builder untimed(String path) {
        return HttpRequest.newBuilder(base.resolve(path))
                .header("Accept", "application/json")
                .header("User-Agent", "labctl")
                .header(Api.SESSION_HEADER, sessionId);
    }

    private <T> T send(HttpRequest.Builder builder, JavaType type) {
        return send(builder, type, null);
    }

    /** statusOut, when given, receives the status of a successful answer. */
    private <T> T send(HttpRequest.Builder builder, JavaType type, int[] statusOut) {
        HttpRequest req = builder.build();
        HttpResponse<InputStream> resp;
        byte[] body;
        try {
            resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = resp.body()) {
                body = in.readNBytes(MAX_RESPONSE_BYTES + 1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.unreachable("interrupted while talking to labd at " + display(), e);
        } catch (IOException e) {
            throw failure(e);
        }
        if (body.length > MAX_RESPONSE_BYTES) {
            throw CliException.unreachable("labd at " + display() + " sent an answer larger than "
                    + (MAX_RESPONSE_BYTES >> 20) + " MiB; refusing to read it", null);
        }
        int status = resp.statusCode();
        if (status >= 400) {
            throw refusal(status, body);
        }
        if (status < 200 || status >= 300) {
            throw CliException.unreachable("labd at " + display() + " answered HTTP " + status
                    + " to " + req.method() + " " + req.uri().getPath() + ", which labctl does not expect", null);
        }
        if (statusOut != null) {
            statusOut[0] = status;
        }
        if (type == null || status == 204 || body.length == 0) {
            return null;
        }
        try {
            ObjectMapper m = Json.json();
            return m.readValue(body, type);
        } catch (IOException e) {
            throw CliException.unreachable("labd at " + display() + " answered " + req.method() + " " + req.uri().getPath()
                    + " with something that is not the expected JSON (" + firstLine(e.getMessage())
                    + "); is the server URL pointing at labd?", e);
        }
    }

    /** labd's ApiError message, or the status and the start of whatever else it sent. */
    static LabdRefusal refusal(int status, byte[] body) {
        if (body.length > 0) {
            try {
                ApiError err = Json.json().readValue(body, ApiError.class);
                if (err != null && err.message() != null && !err.message().isBlank()) {
                    return new LabdRefusal(status, err.code(), err.message());
                }
            } catch (IOException e) {
                // not an ApiError: fall through
            }
            try {
                // a Kubernetes Status, as labd's kubectl proxy and the clusters behind it answer
                com.fasterxml.jackson.databind.JsonNode node = Json.json().readTree(body);
                if (node != null && "Status".equals(node.path("kind").asText()) && node.hasNonNull("message")) {
                    return new LabdRefusal(status, node.path("reason").asText(null), node.path("message").asText());
                }
            } catch (IOException e) {
                // not JSON: fall through
            }
        }
        String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).strip();
        return new LabdRefusal(status, null, "labd answered HTTP " + status + (text.isEmpty() ? "" : ": " + firstLine(text)));
    }

    /**
     * Opens a WebSocket to labd at {@code pathAndQuery} (wss://, the same client certificate, trust and session
     * header as REST). The future fails with a {@link CliException}: a {@link LabdRefusal} when labd refused the
     * upgrade with an HTTP error, exit 255 when it could not be reached or did not complete the handshake.
     */
    public CompletableFuture<WebSocket> webSocket(String pathAndQuery, WebSocket.Listener listener) {
        URI uri = URI.create("wss://" + base.getRawAuthority() + pathAndQuery);
        CompletableFuture<WebSocket> opening;
        try {
            opening = http.newWebSocketBuilder()
                    .connectTimeout(CONNECT_TIMEOUT)
                    .header(Api.SESSION_HEADER, sessionId)
                    .buildAsync(uri, listener);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(CliException.unreachable("cannot open a WebSocket to " + display()
                    + ": " + e.getMessage(), e));
        }
        // the timeout goes on a dependent future, so a handshake that completes late can still be aborted
        return opening.thenApply(ws -> ws).orTimeout(HANDSHAKE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                .exceptionallyCompose(t -> {
                    opening.thenAccept(WebSocket::abort);
                    return CompletableFuture.failedFuture(webSocketFailure(t, uri));
                });
    }

    CliException webSocketFailure(Throwable t, URI uri) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof CliException ce) {
            return ce;
        }
        if (t instanceof WebSocketHandshakeException h && h.getResponse() != null) {
            int status = h.getResponse().statusCode();
            if (status >= 400) {
                return refusal(status, bodyBytes(h.getResponse().body()));
            }
            return CliException.unreachable("labd at " + display() + " answered HTTP " + status + " to the WebSocket upgrade"
                    + " of " + uri.getPath() + " instead of switching protocols; is the server URL pointing at labd?", h);
        }
        if (t instanceof TimeoutException) {
            return CliException.unreachable("labd at " + display() + " did not complete the WebSocket handshake for "
                    + uri.getPath() + " within " + HANDSHAKE_TIMEOUT.toSeconds() + "s; check its log", t);
        }
        if (t instanceof IOException io) {
            return failure(io);
        }
        return CliException.unreachable("cannot open a WebSocket to " + display() + ": " + firstLine(rootMessage(t)), t);
    }

    /** The JDK hands the refused upgrade's body over as a String or bytes, or not at all. */
    private static byte[] bodyBytes(Object body) {
        if (body instanceof byte[] b) {
            return b;
        }
        if (body instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        return new byte[0];
    }

    /** Turns a transport failure into words that say what happened and what to check. */
    CliException failure(IOException e) {
        String where = "labd at " + display();
        String check = contextName == null ? "" : " (context '" + contextName + "'; see 'labctl config get-contexts')";
        if (has(e, ConnectException.class) && !(e instanceof HttpConnectTimeoutException)) {
            return CliException.unreachable("cannot connect to " + where + ": connection refused. Is labd running"
                    + " and is the server URL right" + check + "? For a local labd: './labctl quickstart status'.", e);
        }
        if (e instanceof HttpConnectTimeoutException) {
            return CliException.unreachable("timed out connecting to " + where + " after "
                    + CONNECT_TIMEOUT.toSeconds() + "s; check the address and any firewall in between" + check + ".", e);
        }
        if (e instanceof HttpTimeoutException) {
            return CliException.unreachable(where + " did not answer within " + REQUEST_TIMEOUT.toSeconds()
                    + "s; check its log", e);
        }
        if (has(e, UnknownHostException.class) || has(e, UnresolvedAddressException.class)) {
            return CliException.unreachable("cannot resolve the host of " + where + "; check the server URL" + check + ".", e);
        }
        String all = messages(e).toLowerCase(Locale.ROOT);
        if (has(e, SSLException.class) || all.contains("alert") || all.contains("certificate")) {
            if (has(e, CertificateException.class) && (all.contains("subject alternative") || all.contains("no name matching"))) {
                return CliException.unreachable("TLS failure: the certificate of " + where + " is not issued for host '"
                        + base.getHost() + "'; use the server URL labd advertises" + check + ".", e);
            }
            if (all.contains("pkix") || all.contains("certification path") || all.contains("signature check failed")) {
                return CliException.unreachable("TLS failure: " + where + " presented a certificate that the context's CA"
                        + " did not sign; the context may belong to another labd, or labd was reset. Import a fresh"
                        + " credential bundle" + check + ".", e);
            }
            if (all.contains("certificate_required") || all.contains("bad_certificate") || all.contains("certificate_revoked")
                    || all.contains("certificate_expired") || all.contains("certificate_unknown")
                    || all.contains("access_denied")) {
                return CliException.unreachable("TLS failure: " + where + " rejected the client certificate (expired,"
                        + " revoked, or from another CA); ask an admin for a new credential bundle" + check + ".", e);
            }
            if (has(e, SSLHandshakeException.class) || has(e, SSLException.class)) {
                return CliException.unreachable("TLS handshake with " + where + " failed: " + firstLine(rootMessage(e))
                        + ". Check that the URL is labd's HTTPS port and that the context's CA and client certificate"
                        + " are current" + check + ".", e);
            }
        }
        if (all.contains("connection reset") || all.contains("connection closed") || all.contains("eof reached")
                || all.contains("header parser received no bytes")) {
            return CliException.unreachable(where + " closed the connection during the request. With mutual TLS this"
                    + " usually means it rejected the client certificate (expired, revoked, or from another CA): ask an"
                    + " admin for a new credential bundle. Also check that the URL is labd's HTTPS port" + check + ".", e);
        }
        return CliException.unreachable("cannot talk to " + where + ": " + firstLine(rootMessage(e))
                + ". Is labd running and the URL right" + check + "?", e);
    }

    private static boolean has(Throwable e, Class<?> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String messages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append('\n');
        }
        return sb.toString();
    }

    private static String rootMessage(Throwable e) {
        String msg = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                msg = t.getMessage();
            }
        }
        return msg == null ? e.getClass().getSimpleName() : msg;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static URI parseServer(String server, String contextName) {
        String what = contextName == null ? "server URL" : "server URL of context '" + contextName + "'";
        if (server == null || server.isBlank()) {
            throw CliException.usage(what + " is empty");
        }
        URI uri;
        try {
            uri = URI.create(server.strip());
        } catch (IllegalArgumentException e) {
            throw CliException.usage(what + " '" + server + "' is not a URL");
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw CliException.usage(what + " '" + server + "' must be an https:// URL with a host");
        }
        return URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + "/");
    }
}
