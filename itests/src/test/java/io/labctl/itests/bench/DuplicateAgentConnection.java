package io.labctl.itests.bench;

import io.labctl.itests.support.Tls;
import io.labctl.protocol.CredentialBundle;
import io.labctl.protocol.HostFacts;
import io.labctl.protocol.Pem;
import io.labctl.protocol.channel.Frame;
import io.labctl.protocol.channel.FrameType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * Benchmark, not a test (bench/duplicate-agent.sh runs it): how long a copy of one agent's certificate and key can
 * keep the real agent away. Modes:
 * <ul>
 * <li>{@code attack SECONDS}: connects again and again with the agent's identity (saying HELLO and holding the
 * connection whenever labd accepts it) while the admin pings the server every 100 ms with a 1 s limit; prints the
 * pings the real agent missed and the longest stretch without an answer.</li>
 * <li>{@code takeover}: one connection with the agent's identity, timed until labd accepts it; run while the real
 * agent is frozen (SIGSTOP), it is what a real agent whose connection died silently waits on reconnecting.</li>
 * </ul>
 * Arguments: admin-bundle agent-identity-dir server-name mode [seconds]
 */
public final class DuplicateAgentConnection {
    private DuplicateAgentConnection() {}

    public static void main(String[] args) throws Exception {
        CredentialBundle admin = CredentialBundle.read(Path.of(args[0]));
        Path identity = Path.of(args[1]);
        String name = args[2];
        SSLContext copied = Tls.context(Pem.certificate(admin.caCertificate()),
                Pem.certificate(Files.readString(identity.resolve("agent.crt"))),
                Pem.privateKey(Files.readString(identity.resolve("agent.key"))));
        HttpClient asAgent = Tls.client(copied);
        URI socket = URI.create(admin.server().replace("https", "wss") + "/ws/agent");
        if (args[3].equals("takeover")) {
            long t0 = System.nanoTime();
            WebSocket ws = asAgent.newWebSocketBuilder().buildAsync(socket, new WebSocket.Listener() {}).get(60, TimeUnit.SECONDS);
            System.out.printf("takeover of a frozen agent's connection: accepted after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            ws.abort();
            return;
        }
        attack(admin, asAgent, socket, name, Duration.ofSeconds(Long.parseLong(args[4])));
    }

    private static void attack(CredentialBundle admin, HttpClient asAgent, URI socket, String name, Duration length) throws Exception {
        long end = System.nanoTime() + length.toNanos();
        int[] accepted = {0};
        int[] refused = {0};
        long[] refusalNanos = {0};
        Thread attacker = new Thread(() -> {
            while (System.nanoTime() < end) {
                long t0 = System.nanoTime();
                try {
                    CompletableFuture<Void> closed = new CompletableFuture<>();
                    WebSocket ws = asAgent.newWebSocketBuilder().buildAsync(socket, new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                            closed.complete(null);
                            return null;
                        }

                        @Override
                        public void onError(WebSocket w, Throwable error) {
                            closed.complete(null);
                        }
                    }).get(30, TimeUnit.SECONDS);
                    accepted[0]++;
                    ws.sendBinary(Frame.json(FrameType.HELLO, 0, new HostFacts(name, "Debian", "6.1", "amd64", 1,
                            1L << 30, List.of(), "0.1.0", List.of())).encode(), true);
                    // hold it until labd ends it or the attack is over, then come straight back
                    long left = Math.max(1, (end - System.nanoTime()) / 1_000_000);
                    closed.completeOnTimeout(null, left, TimeUnit.MILLISECONDS).join();
                    ws.abort();
                } catch (Exception e) {
                    refused[0]++;
                    refusalNanos[0] += System.nanoTime() - t0;
                }
            }
        }, "attacker");
        HttpClient adminClient = Tls.client(admin);
        HttpRequest ping = HttpRequest.newBuilder(URI.create(admin.server() + "/api/v1/servers/" + name + "/ping"))
                .timeout(Duration.ofSeconds(1)).POST(HttpRequest.BodyPublishers.noBody()).build();
        List<long[]> pings = new ArrayList<>(); // {sent at, answered 0/1}
        long start = System.nanoTime();
        attacker.start();
        while (System.nanoTime() < end) {
            long sent = System.nanoTime();
            boolean answered;
            try {
                answered = adminClient.send(ping, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (Exception e) {
                answered = false;
            }
            pings.add(new long[] {sent, answered ? 1 : 0});
            long sleep = 100 - (System.nanoTime() - sent) / 1_000_000;
            if (sleep > 0) {
                Thread.sleep(sleep);
            }
        }
        attacker.join();
        long missed = pings.stream().filter(p -> p[1] == 0).count();
        long longestGap = 0;
        long lastAnswer = start;
        for (long[] p : pings) {
            if (p[1] == 1) {
                longestGap = Math.max(longestGap, p[0] - lastAnswer);
                lastAnswer = p[0];
            }
        }
        longestGap = Math.max(longestGap, end - lastAnswer);
        System.out.printf("attack of %d s: copied identity accepted %d times, refused %d times (%.0f ms per refusal);"
                        + " the real agent missed %d of %d pings; longest stretch without an answer: %d ms%n",
                length.toSeconds(), accepted[0], refused[0],
                refused[0] == 0 ? 0.0 : refusalNanos[0] / 1e6 / refused[0], missed, pings.size(),
                longestGap / 1_000_000);
    }
}
