package io.labctl.cli.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.labctl.protocol.Api;
import io.labctl.protocol.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * Test helper: a tiny stand-in for labd, an HTTPS server (JDK's HttpsServer) that requires a client certificate
 * from {@link TestPki}'s CA, answers canned responses per "METHOD /path", and records what it was asked.
 */
public final class TestLabd implements AutoCloseable {
    /** One request as labd saw it; session is the value of the session header (null if absent). */
    public record Recorded(String method, String path, String query, String body, String session) {}

    public record Canned(int status, String body) {}

    private final HttpsServer server;
    private final Map<String, Canned> routes = new ConcurrentHashMap<>();
    public final List<Recorded> requests = new CopyOnWriteArrayList<>();

    public TestLabd(TestPki pki) throws Exception {
        this(pki, "127.0.0.1");
    }

    public TestLabd(TestPki pki, String bindAddress) throws Exception {
        server = HttpsServer.create(new InetSocketAddress(bindAddress, 0), 0);
        SSLContext ssl = pki.serverContext();
        server.setHttpsConfigurator(new HttpsConfigurator(ssl) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = ssl.getDefaultSSLParameters();
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "https://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Content types other than JSON, by route. */
    private final Map<String, String> types = new ConcurrentHashMap<>();
    /** The Accept header of each request, in order. */
    public final List<String> accepts = new CopyOnWriteArrayList<>();

    /** Answers {@code method path} with 200 and these NDJSON lines ({@code application/x-ndjson}), one object each. */
    public TestLabd onLines(String method, String path, Object... events) {
        StringBuilder b = new StringBuilder();
        for (Object e : events) {
            try {
                b.append(e instanceof String s ? s : Json.json().writeValueAsString(e)).append('\n');
            } catch (IOException ex) {
                throw new IllegalStateException(ex);
            }
        }
        on(method, path, 200, b.toString());
        types.put(method + " " + path, "application/x-ndjson");
        return this;
    }

    /** Answers {@code method path} (path without query) with status and the object as JSON (a String is sent as is). */
    public TestLabd on(String method, String path, int status, Object body) {
        String text;
        try {
            text = body == null ? "" : body instanceof String s ? s : Json.json().writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        routes.put(method + " " + path, new Canned(status, text));
        types.remove(method + " " + path);
        return this;
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = ex.getRequestURI().getPath();
        requests.add(new Recorded(ex.getRequestMethod(), path, ex.getRequestURI().getRawQuery(), body,
                ex.getRequestHeaders().getFirst(Api.SESSION_HEADER)));
        accepts.add(String.valueOf(ex.getRequestHeaders().getFirst("Accept")));
        Canned c = routes.get(ex.getRequestMethod() + " " + path);
        if (c == null) {
            c = new Canned(404, "{\"code\":\"not_found\",\"message\":\"no route " + path + " in the test server\",\"requestId\":\"t\"}");
        }
        byte[] bytes = c.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", c.status() < 400
                ? types.getOrDefault(ex.getRequestMethod() + " " + path, "application/json") : "application/json");
        if (c.status() == 204 || bytes.length == 0) {
            ex.sendResponseHeaders(c.status(), -1);
        } else {
            ex.sendResponseHeaders(c.status(), bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
