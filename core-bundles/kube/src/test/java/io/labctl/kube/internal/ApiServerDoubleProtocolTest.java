package io.labctl.kube.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.kube.testing.ApiServerDouble;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API server double's exec channel protocol as any WebSocket client sees it (the JDK's, trusting the double's CA):
 * what kubectl does not show, and what runs where no kubectl does.
 */
@org.junit.jupiter.api.Timeout(120)
class ApiServerDoubleProtocolTest {
    @TempDir
    static Path dir;
    static ApiServerDouble api;

    @BeforeAll
    static void start() throws Exception {
        api = ApiServerDouble.start(dir.resolve("api"));
        api.putPod("web-1", "Running");
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    /**
     * The v4 protocol (a client that offers only it; kubectl offers v5 first), and upgrades refused for want of
     * credentials or of a subprotocol the double speaks.
     */
    @Test
    void theChannelProtocolAsAnyClientSeesIt() throws Exception {
        String token = api.kubeconfig("token").lines().filter(l -> l.trim().startsWith("token: ")).findFirst()
                .orElseThrow().trim().substring("token: ".length());
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (var in = Files.newInputStream(api.dir().resolve("ca.crt"))) {
            trust.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().sslContext(tls).build();
        java.net.URI exec = java.net.URI.create(api.url().replace("https:", "wss:")
                + "/api/v1/namespaces/default/pods/web-1/exec?command=echo&command=v4&stdout=true&stderr=true");

        java.util.concurrent.BlockingQueue<String> got = new java.util.concurrent.LinkedBlockingQueue<>();
        java.net.http.WebSocket socket = client.newWebSocketBuilder().header("Authorization", "Bearer " + token)
                .subprotocols("v4.channel.k8s.io").buildAsync(exec, new java.net.http.WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onBinary(java.net.http.WebSocket ws, java.nio.ByteBuffer data, boolean last) {
                        byte channel = data.get();
                        got.add(channel + ":" + StandardCharsets.UTF_8.decode(data));
                        ws.request(1);
                        return null;
                    }

                    @Override
                    public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket ws, int code, String reason) {
                        got.add("close:" + code);
                        return null;
                    }
                }).get(30, TimeUnit.SECONDS);
        assertEquals("v4.channel.k8s.io", socket.getSubprotocol());
        assertEquals("1:v4\n", got.poll(30, TimeUnit.SECONDS));
        assertEquals("3:{\"metadata\":{},\"status\":\"Success\"}", got.poll(30, TimeUnit.SECONDS));
        assertEquals("close:1000", got.poll(30, TimeUnit.SECONDS));

        var noCredentials = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                () -> client.newWebSocketBuilder().subprotocols("v5.channel.k8s.io")
                        .buildAsync(exec, new java.net.http.WebSocket.Listener() { }).get(30, TimeUnit.SECONDS));
        assertEquals(403, ((java.net.http.WebSocketHandshakeException) noCredentials.getCause()).getResponse().statusCode());
        var noProtocol = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                () -> client.newWebSocketBuilder().header("Authorization", "Bearer " + token).subprotocols("channel.k8s.io")
                        .buildAsync(exec, new java.net.http.WebSocket.Listener() { }).get(30, TimeUnit.SECONDS));
        assertEquals(400, ((java.net.http.WebSocketHandshakeException) noProtocol.getCause()).getResponse().statusCode());
        assertTrue(api.requests.contains("/api/v1/namespaces/default/pods/web-1/exec bearer:ok v4.channel.k8s.io"), api.requests.toString());
        assertTrue(api.requests.contains("/api/v1/namespaces/default/pods/web-1/exec none v5.channel.k8s.io"), api.requests.toString());
    }
}
