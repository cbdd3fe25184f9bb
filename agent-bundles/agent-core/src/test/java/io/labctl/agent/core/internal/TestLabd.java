package io.labctl.agent.core.internal;

import io.labctl.protocol.Api;
import io.labctl.protocol.ApiError;
import io.labctl.protocol.EnrolRequest;
import io.labctl.protocol.EnrolResponse;
import io.labctl.protocol.Json;
import io.labctl.protocol.Pem;
import io.labctl.protocol.RenewRequest;
import io.labctl.protocol.channel.Frame;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Test helper: a tiny stand-in for labd on loopback, over one TLS port: POST enrol, POST renew (client certificate
 * required) and the agent WebSocket (client certificate required, hand-rolled RFC 6455 framing). It is no labd: it
 * signs whatever it is asked to, and exists to drive the agent through real TLS and a real WebSocket.
 */
final class TestLabd implements AutoCloseable {
    static final String TOKEN_ID = "0123456789abcdef0123456789abcdef";
    static final String TOKEN_SECRET = "A".repeat(43);

    final TestCa ca;
    final SSLServerSocket server;
    final List<String> requests = new CopyOnWriteArrayList<>();
    final BlockingQueue<AgentSocket> sockets = new LinkedBlockingQueue<>();
    volatile Duration enrolLifetime = Duration.ofDays(30);
    volatile Duration renewLifetime = Duration.ofDays(30);
    /** What a GET of a path answers (to a client with a certificate only). */
    record Served(int status, byte[] body, boolean announceLength, String sha256) {}

    /** Paths served to GETs with a client certificate. */
    final Map<String, Served> served = new java.util.concurrent.ConcurrentHashMap<>();
    /** Answer to enrol: null to sign, or a status and error to refuse with. */
    volatile Map.Entry<Integer, ApiError> enrolRefusal;
    private final Thread acceptor;

    TestLabd() throws Exception {
        this("localhost", "127.0.0.1");
    }

    /** @param serverNames the host names and addresses labd's certificate is valid for */
    TestLabd(String... serverNames) throws Exception {
        ca = TestCa.create("test labd CA");
        KeyPair serverKey = KeyPairs.newEcP256();
        X509Certificate serverCert = ca.issue(serverKey.getPublic(), "labd", serverNames);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("labd", serverKey.getPrivate(), "x".toCharArray(), new Certificate[] {serverCert, ca.certificate});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "x".toCharArray());
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("ca", ca.certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(anchors);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        server = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server.setWantClientAuth(true); // enrolment comes without a certificate; everything else needs one
        acceptor = new Thread(this::accept, "test-labd");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "https://localhost:" + server.getLocalPort();
    }

    String token() {
        return "lab1." + TOKEN_ID + "." + TOKEN_SECRET + "." + Pem.sha256Hex(ca.certificate);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                SSLSocket socket = (SSLSocket) server.accept();
                Thread t = new Thread(() -> serve(socket), "test-labd-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SSLSocket socket) {
        try {
            socket.startHandshake();
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            String requestLine = readLine(in);
            Map<String, String> headers = new HashMap<>();
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
            }
            String path = requestLine.split(" ")[1];
            requests.add(path);
            boolean hasClientCert;
            try {
                hasClientCert = socket.getSession().getPeerCertificates().length > 0;
            } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                hasClientCert = false;
            }
            byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
            if (path.equals(Api.ENROL)) {
                respond(out, enrol(Json.json().readValue(body, EnrolRequest.class)));
                socket.close();
            } else if (path.equals(Api.RENEW) && hasClientCert) {
                RenewRequest renew = Json.json().readValue(body, RenewRequest.class);
                respond(out, Map.entry(200, signed(renew.csr(), renewLifetime)));
                socket.close();
            } else if (path.equals(Api.AGENT_SOCKET) && hasClientCert) {
                String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(
                        (headers.get("sec-websocket-key") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
                out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                AgentSocket agent = new AgentSocket(socket, (X509Certificate) socket.getSession().getPeerCertificates()[0]);
                sockets.add(agent);
                agent.readLoop();
            } else if (served.containsKey(path) && hasClientCert) {
                serveContent(out, served.get(path));
                socket.close();
            } else {
                respond(out, Map.entry(403, new ApiError("forbidden", "client certificate required", "r1")));
                socket.close();
            }
        } catch (Exception e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    /** Writes a GET's answer, with or without a Content-Length (without: the body ends with the connection). */
    private static void serveContent(OutputStream out, Served content) throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 " + content.status() + " X\r\nConnection: close\r\n");
        if (content.sha256() != null) {
            head.append("X-Labctl-Sha256: ").append(content.sha256()).append("\r\n");
        }
        if (content.announceLength()) {
            head.append("Content-Length: ").append(content.body().length).append("\r\n");
        }
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.write(content.body());
        out.flush();
    }

    private Map.Entry<Integer, Object> enrol(EnrolRequest request) throws Exception {
        Map.Entry<Integer, ApiError> refusal = enrolRefusal;
        if (refusal != null) {
            return Map.entry(refusal.getKey(), refusal.getValue());
        }
        if (!token().equals(request.token())) {
            return Map.entry(401, new ApiError("token-invalid", "join token is not valid", "r2"));
        }
        return Map.entry(200, signed(request.csr(), enrolLifetime));
    }

    private EnrolResponse signed(String csrPem, Duration lifetime) throws Exception {
        X509Certificate cert = ca.issueFromCsr(csrPem, lifetime);
        return new EnrolResponse(Pem.certificate(cert), Pem.certificate(ca.certificate),
                TestCa.commonNameOf(new org.bouncycastle.pkcs.PKCS10CertificationRequest(Pem.blocks(csrPem, "CERTIFICATE REQUEST").get(0))));
    }

    private static void respond(OutputStream out, Map.Entry<Integer, ?> answer) throws IOException {
        byte[] json = Json.json().writeValueAsBytes(answer.getValue());
        out.write(("HTTP/1.1 " + answer.getKey() + " X\r\nContent-Type: application/json\r\nContent-Length: " + json.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(json);
        out.flush();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed mid-line");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (AgentSocket s : sockets) {
            s.socket.close();
        }
    }

    /** The server end of one agent WebSocket. */
    static final class AgentSocket {
        final SSLSocket socket;
        final X509Certificate client;
        final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
        volatile int closeCodeFromAgent = -1;
        volatile String closeReasonFromAgent;
        volatile int pings;

        AgentSocket(SSLSocket socket, X509Certificate client) {
            this.socket = socket;
            this.client = client;
        }

        Frame next(Function<Frame, Boolean> wanted) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                Frame f = frames.poll(100, TimeUnit.MILLISECONDS);
                if (f != null && wanted.apply(f)) {
                    return f;
                }
            }
            throw new AssertionError("the agent did not send the expected frame");
        }

        void readLoop() throws IOException {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            while (true) {
                int first = in.readUnsignedByte();
                int second = in.readUnsignedByte();
                long length = second & 0x7f;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = in.readLong();
                }
                byte[] mask = new byte[4];
                if ((second & 0x80) != 0) {
                    in.readFully(mask);
                }
                byte[] payload = new byte[(int) length];
                in.readFully(payload);
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= mask[i % 4];
                }
                int opcode = first & 0x0f;
                boolean fin = (first & 0x80) != 0;
                if (opcode == 0x9) {
                    pings++;
                    send(0xA, payload, true);
                } else if (opcode == 0x8) {
                    closeReasonFromAgent = payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
                    closeCodeFromAgent = payload.length >= 2 ? ByteBuffer.wrap(payload).getShort() & 0xffff : 1005;
                    send(0x8, payload.length >= 2 ? new byte[] {payload[0], payload[1]} : new byte[0], true);
                    socket.close();
                    return;
                } else if (opcode == 0x2 || opcode == 0x0) {
                    message.write(payload);
                    if (fin) {
                        try {
                            frames.add(Frame.decode(ByteBuffer.wrap(message.toByteArray())));
                        } catch (Exception e) {
                            throw new IOException(e);
                        }
                        message.reset();
                    }
                }
            }
        }

        /** Sends a frame as a binary message, optionally split into two WebSocket fragments. */
        void send(Frame frame, boolean fragmented) throws IOException {
            ByteBuffer encoded = frame.encode();
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            if (!fragmented) {
                send(0x2, bytes, true);
                return;
            }
            int half = bytes.length / 2;
            send(0x2, java.util.Arrays.copyOfRange(bytes, 0, half), false);
            send(0x0, java.util.Arrays.copyOfRange(bytes, half, bytes.length), true);
        }

        void sendRaw(int opcode, byte[] payload) throws IOException {
            send(opcode, payload, true);
        }

        void close(int code, String reason) throws IOException {
            byte[] text = reason.getBytes(StandardCharsets.UTF_8);
            ByteBuffer payload = ByteBuffer.allocate(2 + text.length).putShort((short) code).put(text);
            send(0x8, payload.array(), true);
        }

        private synchronized void send(int opcode, byte[] payload, boolean fin) throws IOException {
            OutputStream out = socket.getOutputStream();
            out.write((fin ? 0x80 : 0) | opcode);
            if (payload.length < 126) {
                out.write(payload.length);
            } else if (payload.length < 65536) {
                out.write(126);
                out.write(payload.length >> 8);
                out.write(payload.length & 0xff);
            } else {
                out.write(127);
                out.write(ByteBuffer.allocate(8).putLong(payload.length).array());
            }
            out.write(payload);
            out.flush();
        }
    }
}
