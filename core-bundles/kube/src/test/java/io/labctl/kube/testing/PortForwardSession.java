package io.labctl.kube.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * A port-forward of the API server double, as kubectl 1.31 and later ask for it: SPDY/3.1 framing tunnelled in the
 * binary messages of a WebSocket (subprotocol {@code SPDY/3.1+portforward.k8s.io}; a message boundary means nothing,
 * frames are read from the byte stream). Over it kubectl opens, per local connection, an error stream and a data
 * stream (headers streamtype, port, requestid); the double answers each with SYN_REPLY, connects the data stream to
 * the loopback port the test mapped the pod's port to, and copies both ways. A port with no mapping gets its reason
 * on the error stream, as a real API server reports a refused connection. No flow control: kubectl's SPDY library
 * sends none and honours none. One thread per forwarded connection (reading the local socket).
 */
public final class PortForwardSession implements Session.Listener.AutoDemanding {
    /** SPDY/3's zlib dictionary for header blocks (the protocol's constant): length-prefixed words, then a tail. */
    static final byte[] DICTIONARY = dictionary();
    private static final int MAX_FRAME = 1 << 20;   // kubectl's frames are 32 KiB at most
    private static final int MAX_HEADER_BLOCK = 64 * 1024;
    private static final int SYN_STREAM = 1;
    private static final int SYN_REPLY = 2;
    private static final int RST_STREAM = 3;
    private static final int PING = 6;
    private static final int FLAG_FIN = 1;

    private final IntFunction<Integer> ports;
    private final List<String> forwarded;
    private final Inflater inflater = new Inflater();
    private final Deflater deflater = new Deflater();
    private ByteBuffer pending = ByteBuffer.allocate(0);
    /** Open data streams: the local socket each is connected to. */
    private final Map<Integer, Socket> sockets = new ConcurrentHashMap<>();
    /** Error streams, by request id: FIN (with a message or none) once the request's data stream ends. */
    private final Map<String, Integer> errorStreams = new ConcurrentHashMap<>();
    private volatile Session session;

    /** ports: the loopback port a pod's port is forwarded to, or null; forwarded: one line per data stream. */
    PortForwardSession(IntFunction<Integer> ports, List<String> forwarded) {
        this.ports = ports;
        this.forwarded = forwarded;
        deflater.setDictionary(DICTIONARY);
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        try {
            ByteBuffer all = ByteBuffer.allocate(pending.remaining() + payload.remaining()).put(pending).put(payload).flip();
            while (all.remaining() >= 8) {
                int length = all.getInt(all.position() + 4) & 0xffffff;
                if (length > MAX_FRAME) {
                    throw new IOException("SPDY frame of " + length + " bytes");
                }
                if (all.remaining() < 8 + length) {
                    break;
                }
                int word = all.getInt();
                int flags = all.get() & 0xff;
                all.position(all.position() + 3);
                byte[] data = new byte[length];
                all.get(data);
                if (word < 0) {
                    control(word & 0xffff, flags, ByteBuffer.wrap(data));
                } else {
                    data(word, flags, data);
                }
            }
            pending = ByteBuffer.allocate(all.remaining()).put(all).flip();
            callback.succeed();
        } catch (IOException | DataFormatException | RuntimeException e) {
            callback.fail(e);
            session.close(1002, "bad SPDY frame: " + e.getMessage(), Callback.NOOP);
        }
    }

    private void control(int type, int flags, ByteBuffer frame) throws IOException, DataFormatException {
        switch (type) {
            case SYN_STREAM -> {
                int stream = frame.getInt() & 0x7fffffff;
                frame.position(frame.position() + 6);   // associated stream, priority, slot
                open(stream, headers(frame));
            }
            case RST_STREAM -> closeSocket(frame.getInt() & 0x7fffffff);
            case PING -> sendFrame(0x80030000 | PING, 0, frame.array());
            default -> { }   // SETTINGS, WINDOW_UPDATE, GOAWAY: nothing to do here
        }
    }

    private void open(int stream, Map<String, String> headers) throws IOException {
        String type = headers.getOrDefault("streamtype", "");
        String requestId = headers.getOrDefault("requestid", "");
        String port = headers.getOrDefault("port", "");
        reply(stream);
        if (type.equals("error")) {
            errorStreams.put(requestId, stream);
            return;
        }
        Integer local = null;
        try {
            local = ports.apply(Integer.parseInt(port));
        } catch (NumberFormatException e) {
            // no such port
        }
        forwarded.add(port + " -> " + local);
        if (local == null) {
            end(stream, requestId, "error forwarding port " + port + " to the pod: nothing listens there");
            return;
        }
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), local);
        sockets.put(stream, socket);
        Thread copy = new Thread(() -> copyBack(stream, requestId, socket), "port-forward-" + stream);
        copy.setDaemon(true);
        copy.start();
    }

    /** What the local socket answers goes to kubectl as data frames; its end ends the data and error streams. */
    private void copyBack(int stream, String requestId, Socket socket) {
        byte[] buffer = new byte[32 * 1024];
        try (InputStream in = socket.getInputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                if (n > 0) {
                    sendFrame(stream, 0, java.util.Arrays.copyOf(buffer, n));
                }
            }
        } catch (IOException e) {
            // the socket was closed under us: the stream ends all the same
        }
        end(stream, requestId, null);
    }

    private void end(int stream, String requestId, String error) {
        sockets.remove(stream);
        sendFrame(stream, FLAG_FIN, new byte[0]);
        Integer errors = errorStreams.remove(requestId);
        if (errors != null) {
            sendFrame(errors, FLAG_FIN, error == null ? new byte[0] : error.getBytes(StandardCharsets.UTF_8));
        }
    }

    private void data(int stream, int flags, byte[] data) throws IOException {
        Socket socket = sockets.get(stream);
        if (socket == null) {
            return;   // the error stream (kubectl writes nothing there), or a stream already ended
        }
        if (data.length > 0) {
            socket.getOutputStream().write(data);
        }
        if ((flags & FLAG_FIN) != 0) {
            socket.shutdownOutput();   // kubectl's local connection ended: the server sees end of input
        }
    }

    private Map<String, String> headers(ByteBuffer compressed) throws DataFormatException {
        inflater.setInput(compressed);
        byte[] block = new byte[MAX_HEADER_BLOCK];
        int size = 0;
        while (true) {
            int n = inflater.inflate(block, size, block.length - size);
            if (n == 0 && inflater.needsDictionary()) {
                inflater.setDictionary(DICTIONARY);
                continue;
            }
            size += n;
            if (n == 0 || size == block.length) {
                break;
            }
        }
        ByteBuffer in = ByteBuffer.wrap(block, 0, size);
        Map<String, String> headers = new HashMap<>();
        for (int count = in.getInt(); count > 0; count--) {
            String name = string(in);
            headers.put(name.toLowerCase(java.util.Locale.ROOT), string(in));
        }
        return headers;
    }

    private static String string(ByteBuffer in) {
        byte[] bytes = new byte[in.getInt()];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** SYN_REPLY with no headers, as the kubelet's SPDY server accepts a stream. */
    private void reply(int stream) {
        synchronized (deflater) {   // one zlib stream per direction: blocks go out in the order they are made
            deflater.setInput(new byte[4]);   // zero headers
            byte[] out = new byte[64];
            int n = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
            ByteBuffer frame = ByteBuffer.allocate(4 + n).putInt(stream).put(out, 0, n);
            sendFrame(0x80030000 | SYN_REPLY, 0, frame.array());
        }
    }

    private void sendFrame(int word, int flags, byte[] data) {
        ByteBuffer frame = ByteBuffer.allocate(8 + data.length).putInt(word).putInt((flags << 24) | data.length).put(data).flip();
        Session s = session;
        if (s == null || !s.isOpen()) {
            return;
        }
        org.eclipse.jetty.websocket.api.Callback.Completable sent = new org.eclipse.jetty.websocket.api.Callback.Completable();
        synchronized (deflater) {
            s.sendBinary(frame, sent);
        }
        try {
            sent.get(30, java.util.concurrent.TimeUnit.SECONDS);   // the socket reader waits for kubectl: no unbounded queue
        } catch (Exception e) {
            // kubectl went away: its sockets are closed with the session
        }
    }

    private void closeSocket(int stream) {
        Socket socket = sockets.remove(stream);
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        sockets.keySet().forEach(this::closeSocket);
        inflater.end();
        callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        sockets.keySet().forEach(this::closeSocket);
    }

    private static byte[] dictionary() {
        List<String> words = List.of("options", "head", "post", "put", "delete", "trace", "accept", "accept-charset",
                "accept-encoding", "accept-language", "accept-ranges", "age", "allow", "authorization", "cache-control",
                "connection", "content-base", "content-encoding", "content-language", "content-length",
                "content-location", "content-md5", "content-range", "content-type", "date", "etag", "expect", "expires",
                "from", "host", "if-match", "if-modified-since", "if-none-match", "if-range", "if-unmodified-since",
                "last-modified", "location", "max-forwards", "pragma", "proxy-authenticate", "proxy-authorization",
                "range", "referer", "retry-after", "server", "te", "trailer", "transfer-encoding", "upgrade",
                "user-agent", "vary", "via", "warning", "www-authenticate", "method", "get", "status", "200 OK",
                "version", "HTTP/1.1", "url", "public", "set-cookie", "keep-alive", "origin");
        String tail = "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505"
                + "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized"
                + "403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable"
                + "Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT"
                + "chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,"
                + "text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.";
        ByteBuffer out = ByteBuffer.allocate(2048);
        for (String word : words) {
            out.putInt(word.length()).put(word.getBytes(StandardCharsets.US_ASCII));
        }
        out.put(tail.getBytes(StandardCharsets.US_ASCII));
        byte[] dictionary = java.util.Arrays.copyOf(out.array(), out.position());
        java.util.zip.Adler32 check = new java.util.zip.Adler32();
        check.update(dictionary);
        if (dictionary.length != 1423 || check.getValue() != 0xe3c6a7c2L) {
            throw new IllegalStateException("the SPDY/3 dictionary is not the protocol's");
        }
        return dictionary;
    }
}
