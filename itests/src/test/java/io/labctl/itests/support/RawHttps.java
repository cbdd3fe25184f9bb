package io.labctl.itests.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * An openssl s_client-style client: one request written byte for byte over TLS (malformed ones included), from a
 * chosen loopback source address (any 127.x.y.z reaches a labd on 127.0.0.1), so that tests of per-source limits
 * do not share a source.
 */
public final class RawHttps {
    private RawHttps() {}

    public record Response(int status, String text) {}

    /** Sends request (it should say "Connection: close") and reads the answer until labd closes. */
    public static Response send(SSLContext ctx, String sourceAddress, int port, String request) throws IOException {
        try (Socket plain = new Socket()) {
            plain.bind(new InetSocketAddress(sourceAddress, 0));
            plain.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            plain.setSoTimeout(20_000);
            try (SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(plain, "127.0.0.1", port, true)) {
                tls.startHandshake();
                tls.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                tls.getOutputStream().flush();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                InputStream in = tls.getInputStream();
                byte[] buf = new byte[8192];
                try {
                    for (int n; !complete(out.toString(StandardCharsets.ISO_8859_1)) && (n = in.read(buf)) >= 0; ) {
                        out.write(buf, 0, n);
                    }
                } catch (IOException e) {
                    if (out.size() == 0) {
                        throw e;
                    }
                }
                String text = out.toString(StandardCharsets.ISO_8859_1);
                String[] statusLine = text.split("\r\n", 2)[0].split(" ");
                if (statusLine.length < 2) {
                    throw new IOException("no HTTP status line in: " + text);
                }
                return new Response(Integer.parseInt(statusLine[1]), text);
            }
        }
    }

    /** Whether text holds a whole response (labd may keep the connection open after it). */
    static boolean complete(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        String head = text.substring(0, end).toLowerCase(java.util.Locale.ROOT);
        String body = text.substring(end + 4);
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("content-length: *(\\d+)").matcher(head);
        if (length.find()) {
            return body.length() >= Integer.parseInt(length.group(1));
        }
        return head.contains("transfer-encoding: chunked") && body.contains("0\r\n\r\n");
    }

    /** A GET with the headers every request needs. */
    public static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: labd\r\nConnection: close\r\n\r\n";
    }

    /** A WebSocket upgrade request for path. */
    public static String upgrade(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: labd\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    }
}
