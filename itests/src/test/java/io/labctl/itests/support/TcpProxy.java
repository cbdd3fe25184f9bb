package io.labctl.itests.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on 127.0.0.1 to one target that can make the connections it carries die silently, as a cut cable
 * or a dead NAT entry would: {@link #blackholeCurrent()} stops forwarding on them without closing either side,
 * while connections accepted afterwards are relayed as usual.
 */
public final class TcpProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Pair> pairs = new CopyOnWriteArrayList<>();
    private final List<Long> acceptedAtNanos = new CopyOnWriteArrayList<>();

    private static final class Pair {
        final Socket client;
        final Socket server;
        volatile boolean blackholed;

        Pair(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }
    }

    public TcpProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "tcp-proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** When each connection was accepted (System.nanoTime), oldest first. */
    public List<Long> acceptedAtNanos() {
        return List.copyOf(acceptedAtNanos);
    }

    /** Every connection open now stops carrying bytes either way; neither end is told. */
    public void blackholeCurrent() {
        pairs.forEach(p -> p.blackholed = true);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                acceptedAtNanos.add(System.nanoTime());
                Socket server = new Socket(target.getAddress(), target.getPort());
                Pair pair = new Pair(client, server);
                pairs.add(pair);
                pump(pair, client, server);
                pump(pair, server, client);
            } catch (IOException e) {
                // closed, or the target refused: the client sees its connection end
            }
        }
    }

    private static void pump(Pair pair, Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream()) {
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (!pair.blackholed) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
                if (!pair.blackholed) {
                    to.shutdownOutput();
                }
            } catch (IOException e) {
                if (!pair.blackholed) {
                    closeQuietly(to);
                }
            }
        }, "tcp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        pairs.forEach(p -> {
            closeQuietly(p.client);
            closeQuietly(p.server);
        });
    }
}
