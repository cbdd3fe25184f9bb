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
 * API server with anonymous access does. It records what each request carried, so tests can check what labd sent.
 */
public final class ApiServerDouble implements AutoCloseable {
    public static final String VERSION = "v1.33.1+double";

    private final Path dir;
    private final String token = UUID.randomUUID().toString().replace("-", "");
    private final HttpsServer server;
    /** One line per request: "PATH AUTH" with AUTH cert:CN, bearer:ok|bad, or none. */
    public final List<String> requests = new CopyOnWriteArrayList<>();

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

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String auth = authOf((HttpsExchange) exchange);
            String path = exchange.getRequestURI().getPath();
            requests.add(path + " " + auth);
            boolean authenticated = auth.startsWith("cert:") || auth.equals("bearer:ok");
            int status;
            String body;
            if (path.equals("/version")) {
                status = 200;
                body = "{\"major\":\"1\",\"minor\":\"33\",\"gitVersion\":\"" + VERSION + "\",\"platform\":\"linux/amd64\"}";
            } else if (!authenticated) {
                status = auth.equals("none") ? 403 : 401;
                body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":" + status + "}";
            } else if (path.equals("/api")) {
                status = 200;
                body = "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":[]}";
            } else {
                status = 404;
                body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":404}";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
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
        server.stop(0);
    }
}
