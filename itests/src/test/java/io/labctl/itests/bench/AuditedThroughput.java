package io.labctl.itests.bench;

import io.labctl.itests.support.Csrs;
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
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
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
 * bare Jetty handler in this JVM on the same TLS setup (a P-256 server key, client certificate from labd's CA
 * required) answering the same body. Same client, same keep-alive connections, same concurrency.
 * Arguments: admin-bundle seconds concurrency bare-dir; or: serve-bare admin-bundle bare-dir (the baseline server).
 */
public final class AuditedThroughput {
    private AuditedThroughput() {}

    public static void main(String[] args) throws Exception {
        if (args[0].equals("serve-bare")) {
            serveBare(CredentialBundle.read(Path.of(args[1])), Path.of(args[2]));
            return;
        }
        CredentialBundle admin = CredentialBundle.read(Path.of(args[0]));
        int seconds = Integer.parseInt(args[1]);
        int concurrency = Integer.parseInt(args[2]);
        Path bareDir = Path.of(args[3]);
        HttpClient client = Tls.client(admin);
        URI audited = URI.create(admin.server() + "/api/v1/auth/whoami");

        // the bare server runs in a JVM of its own (as labd does) and says where it listens
        int barePort = Integer.parseInt(java.nio.file.Files.readString(bareDir.resolve("port")).strip());
        X509Certificate serverCert = Pem.certificate(java.nio.file.Files.readString(bareDir.resolve("server.pem")));
        URI baseline = URI.create("https://127.0.0.1:" + barePort + "/whoami");
        // the same client certificate, trusting the bare server's own certificate
        HttpClient baselineClient = Tls.client(Tls.context(serverCert, Pem.certificate(admin.certificate()),
                Pem.privateKey(admin.privateKey())));
        {
            // warm both up, then measure each in turn
            run(baselineClient, baseline, 3, concurrency);
            run(client, audited, 3, concurrency);
            Figures base = run(baselineClient, baseline, seconds, concurrency);
            Figures full = run(client, audited, seconds, concurrency);
            // the same labd stack without identity, RBAC or audit: what the guards themselves cost
            Figures open = run(client, URI.create(admin.server() + "/api/v1/health"), seconds, concurrency);
            System.out.printf("bare Jetty + TLS:            %s%n", base);
            System.out.printf("labd health (no guards):     %s%n", open);
            System.out.printf("labd full path (audited):    %s%n", full);
            System.out.printf("audited keeps %.0f %% of the bare handler's requests per second%n", 100 * full.rps / base.rps);
        }
    }

    /** The baseline server: answers what labd's whoami answers for the admin, until killed. */
    static void serveBare(CredentialBundle admin, Path dir) throws Exception {
        String sample = Tls.client(admin).send(HttpRequest.newBuilder(URI.create(admin.server() + "/api/v1/auth/whoami"))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        KeyPair serverKey = Csrs.ecKey();
        X509Certificate serverCert = selfSigned(serverKey);
        Server bare = bareServer(admin, serverKey, serverCert, sample.getBytes(StandardCharsets.UTF_8));
        java.nio.file.Files.writeString(dir.resolve("server.pem"), Pem.certificate(serverCert));
        java.nio.file.Files.writeString(dir.resolve("port.tmp"), String.valueOf(
                ((ServerConnector) bare.getConnectors()[0]).getLocalPort()));
        java.nio.file.Files.move(dir.resolve("port.tmp"), dir.resolve("port"));
        bare.join();
    }

    record Figures(long requests, long failed, double rps, double p50ms, double p99ms) {
        @Override
        public String toString() {
            return String.format("%7.0f req/s  p50 %.2f ms  p99 %.2f ms  (%d requests, %d failed)", rps, p50ms, p99ms,
                    requests, failed);
        }
    }

    static Figures run(HttpClient client, URI uri, int seconds, int concurrency) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r);
            t.setDaemon(true); // a failed run must not keep the JVM alive
            return t;
        });
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

    /** A P-256 server certificate like labd's (labd's own key never leaves it), valid for a day. */
    static X509Certificate selfSigned(KeyPair key) throws Exception {
        X500Name name = new X500Name("CN=bare-jetty");
        long now = System.currentTimeMillis();
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                new Date(now - 60_000), new Date(now + 86_400_000), name, key.getPublic()).build(signer));
    }

    /** Jetty 12 with TLS like labd's: a P-256 server key, client certificates from labd's CA required. */
    static Server bareServer(CredentialBundle admin, KeyPair serverKey, X509Certificate serverCert, byte[] body)
            throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", serverKey.getPrivate(), new char[0], new Certificate[] {serverCert});
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
