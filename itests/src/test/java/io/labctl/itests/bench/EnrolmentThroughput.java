package io.labctl.itests.bench;

import io.labctl.itests.support.Csrs;
import io.labctl.itests.support.Tls;
import io.labctl.protocol.CredentialBundle;
import io.labctl.protocol.EnrolRequest;
import io.labctl.protocol.IssuedToken;
import io.labctl.protocol.Json;
import io.labctl.protocol.TokenSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Benchmark, not a test (bench/enrolment.sh runs it): enrolments per second end to end against a running labd —
 * TLS, token redemption, CSR verification, signing and the database writes — with CSRs made beforehand so the
 * client's key generation is not counted. Leaves the enrolled servers in place (the get-servers benchmark uses them).
 * Arguments: admin-bundle count concurrency name-prefix
 */
public final class EnrolmentThroughput {
    private EnrolmentThroughput() {}

    public static void main(String[] args) throws Exception {
        CredentialBundle admin = CredentialBundle.read(Path.of(args[0]));
        int count = Integer.parseInt(args[1]);
        int concurrency = Integer.parseInt(args[2]);
        String prefix = args[3];
        HttpClient adminClient = Tls.client(admin);
        // the environment the token names (409 on a later run: it exists, which is as good)
        adminClient.send(HttpRequest.newBuilder(URI.create(admin.server() + "/api/v1/environments"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(Json.json()
                        .writeValueAsBytes(new io.labctl.protocol.environments.EnvironmentSpec("bench", "bench")))).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> created = adminClient.send(HttpRequest.newBuilder(URI.create(admin.server() + "/api/v1/tokens"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(Json.json().writeValueAsBytes(
                        new TokenSpec(true, 3600L, "bench", "bench", "worker", null, null, "enrolment benchmark")))).build(),
                HttpResponse.BodyHandlers.ofString());
        String token = Json.json().readValue(created.body(), IssuedToken.class).token();
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = prefix + "-" + i;
            bodies.add(Json.json().writeValueAsBytes(new EnrolRequest(token, name, Csrs.csr(name, Csrs.ecKey()))));
        }
        HttpClient anonymous = Tls.anonymous(admin);
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        AtomicInteger failed = new AtomicInteger();
        long t0 = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (byte[] body : bodies) {
            done.add(pool.submit(() -> {
                HttpResponse<String> r = anonymous.send(HttpRequest.newBuilder(URI.create(admin.server() + "/api/v1/enrol"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    failed.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        System.out.printf("enrolments end to end: %d in %.2f s with %d clients = %.1f per second (%d failed)%n",
                count, seconds, concurrency, count / seconds, failed.get());
    }
}
