package io.labctl.itests.bench;

import io.labctl.itests.support.Tls;
import io.labctl.protocol.CredentialBundle;
import io.labctl.protocol.Pem;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Benchmark, not a test (bench/audited-throughput.sh runs it): requests per second through labd's full path (mutual
 * TLS, identity, RBAC decision, audit row durably written, Jersey handler) for GET /api/v1/auth/whoami, against a
 * bare Jetty handler in this JVM on the same TLS setup (P-256 certificate from labd's CA, client certificate
 * required) answering a body of the same size. Same client, same keep-alive connections, same concurrency.
 * Arguments: admin-bundle seconds concurrency
 */
public final class AuditedThroughput {
    private AuditedThroughput() {}

    public static void main(String[] args) throws Exception {
        CredentialBundle admin = CredentialBundle.read(Path.of(args[0]));
        int seconds = Integer.parseInt(args[1]);
        int concurrency = Integer.parseInt(args[2]);
        HttpClient client = Tls.client(admin);
        URI audited = URI.create(admin.server() + "/api/v1/auth/whoami");
        String sample = client.send(HttpRequest.newBuilder(audited).GET().build(), HttpResponse.BodyHandlers.ofString()).body();

        Server bare = bareServer(admin, sample.getBytes(StandardCharsets.UTF_8));
        URI baseline = URI.create("https://127.0.0.1:" + ((ServerConnector) bare.getConnectors()[0]).getLocalPort() + "/whoami");
        try {
            // warm both up, then measure each in turn
            run(client, baseline, 3, concurrency);
            run(client, audited, 3, concurrency);
            Figures base = run(client, baseline, seconds, concurrency);
            Figures full = run(client, audited, seconds, concurrency);
            System.out.printf("bare Jetty + TLS:            %s%n", base);
            System.out.printf("labd full path (audited):    %s%n", full);
            System.out.printf("audited keeps %.0f %% of the bare handler's requests per second%n", 100 * full.rps / base.rps);
        } finally {
            bare.stop();
        }
    }

    record Figures(long requests, long failed, double rps, double p50ms, double p99ms) {
        @Override
        public String toString() {
            return String.format("%7.0f req/s  p50 %.2f ms  p99 %.2f ms  (%d requests, %d failed)", rps, p50ms, p99ms,
                    requests, failed);
        }
    }

    static Figures run(HttpClient client, URI uri, int seconds, int concurrency) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        List<Future<long[]>> workers = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < concurrency; i++) {
            workers.add(pool.submit(() -> {
                long[] latencies = new long[1 << 20];
                int n = 0;
                long failed = 0;
                HttpRequest request = HttpRequest.newBuilder(uri).GET().build();
                while (System.nanoTime() < deadline && n < latencies.length - 1) {
                    long start = System.nanoTime();
                    HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                    latencies[n++] = System.nanoTime() - start;
                    if (r.statusCode() != 200) {
                        failed++;
                    }
                }
                long[] out = Arrays.copyOf(latencies, n + 1);
                out[n] = failed; // last slot carries the failures
                return out;
            }));
        }
        List<Long> all = new ArrayList<>();
        long failed = 0;
        for (Future<long[]> f : workers) {
            long[] w = f.get();
            for (int i = 0; i < w.length - 1; i++) {
                all.add(w[i]);
            }
            failed += w[w.length - 1];
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        all.sort(Long::compare);
        return new Figures(all.size(), failed, all.size() / elapsed, all.get(all.size() / 2) / 1e6,
                all.get((int) (all.size() * 0.99)) / 1e6);
    }

    /** Jetty 12 with TLS like labd's: the server key is the admin's P-256 key (a certificate from labd's CA). */
    static Server bareServer(CredentialBundle admin, byte[] body) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", Pem.privateKey(admin.privateKey()), new char[0],
                new Certificate[] {Pem.certificate(admin.certificate()), Pem.certificate(admin.caCertificate())});
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", Pem.certificate(admin.caCertificate()));
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(keys);
        tls.setKeyStorePassword("");
        tls.setTrustStore(trust);
        tls.setNeedClientAuth(true);
        tls.setEndpointIdentificationAlgorithm(null);

        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        http.addCustomizer(secure);
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"),
                new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.getHeaders().put("Content-Type", "application/json");
                response.write(true, ByteBuffer.wrap(body), callback);
                return true;
            }
        });
        server.start();
        return server;
    }
}
