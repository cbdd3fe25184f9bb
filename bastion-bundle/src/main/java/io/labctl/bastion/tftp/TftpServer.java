package io.labctl.bastion.tftp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read-only TFTP server (RFC 1350, 2347, 2348, 2349, 7440).
 *
 * <p>One listener thread reads requests on the well-known port and hands each RRQ to a transfer
 * thread with its own ephemeral socket. The listener never does file I/O, so a slow disk or a
 * misbehaving client cannot stall new requests.
 */
public final class TftpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TftpServer.class);
    private static final String READ_ONLY = "access violation: this server is read-only";
    /**
     * Transfers at once from one client address. A PXE client fetches one file at a time; without this cap one host
     * that requests from many ports and never acknowledges (holding each transfer for up to its retries times a
     * client-chosen timeout of up to 255 s) would take every place and keep the other machines from booting.
     */
    static final int MAX_TRANSFERS_PER_CLIENT = 4;

    private final TftpSettings settings;
    private final TftpFiles files;
    private final TransferObserver observer;
    private final DatagramChannel listener;
    private final int port;
    private final Semaphore slots;
    private final Map<SocketAddress, Transfer> active = new ConcurrentHashMap<>();
    private final ExecutorService workers;
    private final Thread listenerThread;
    private volatile boolean closed;

    private TftpServer(TftpSettings settings, TftpFiles files, TransferObserver observer) throws IOException {
        this.settings = settings;
        this.files = files;
        this.observer = observer;
        this.slots = new Semaphore(settings.maxConcurrentTransfers());
        this.listener = settings.bindAddress() instanceof java.net.Inet4Address
                ? DatagramChannel.open(java.net.StandardProtocolFamily.INET) : DatagramChannel.open();
        try {
            listener.bind(new InetSocketAddress(settings.bindAddress(), settings.port()));
        } catch (IOException e) {
            listener.close();
            throw new IOException("cannot bind TFTP to " + settings.bindAddress().getHostAddress() + ":"
                    + settings.port() + ": " + e.getMessage(), e);
        }
        this.port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
        AtomicInteger n = new AtomicInteger();
        // Unbounded pool; the semaphore is the real cap (a bounded pool could reject a task while a
        // finishing thread has released its slot but not yet returned to the pool).
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "tftp-transfer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.listenerThread = new Thread(this::listen, "tftp-listener-" + port);
        this.listenerThread.setDaemon(true);
    }

    /** Binds and starts serving. Fails fast (IOException) if the port cannot be bound. */
    public static TftpServer start(TftpSettings settings, TftpFiles files, TransferObserver observer)
            throws IOException {
        TftpServer server = new TftpServer(settings, files, observer == null ? TransferObserver.NONE : observer);
        server.listenerThread.start();
        log.info("TFTP server listening on {}:{}", settings.bindAddress().getHostAddress(), server.port);
        return server;
    }

    /** The bound port (the actual one when port 0 was configured). */
    public int port() {
        return port;
    }

    /** Number of transfers currently running. */
    public int activeTransfers() {
        return active.size();
    }

    private void listen() {
        // Big enough for any datagram, so oversized requests are seen as such rather than truncated.
        ByteBuffer buffer = ByteBuffer.allocateDirect(65536);
        while (!closed) {
            SocketAddress from;
            try {
                buffer.clear();
                from = listener.receive(buffer);
            } catch (ClosedChannelException e) {
                break;
            } catch (IOException e) {
                if (closed) {
                    break;
                }
                log.warn("TFTP listener receive failed; continuing", e);
                continue;
            }
            buffer.flip();
            try {
                handle((InetSocketAddress) from, buffer);
            } catch (RuntimeException e) {
                // Whatever a datagram contains, the listener must survive it.
                log.warn("TFTP listener failed to handle a datagram from {}", from, e);
            }
        }
        log.debug("TFTP listener on port {} stopped", port);
    }

    private void handle(InetSocketAddress from, ByteBuffer packet) {
        int opcode = TftpPacket.opcode(packet);
        switch (opcode) {
            case TftpPacket.RRQ -> handleRead(from, packet);
            case TftpPacket.WRQ -> {
                log.warn("TFTP write request from {} refused (read-only server)", from);
                reply(from, TftpPacket.ERR_ACCESS_VIOLATION, READ_ONLY);
            }
            case -1 -> log.debug("TFTP dropped {}-byte datagram from {}", packet.remaining(), from);
            case TftpPacket.DATA, TftpPacket.ACK, TftpPacket.ERROR, TftpPacket.OACK ->
                // Stray packets of some old transfer; never answer an ERROR with an ERROR.
                    log.debug("TFTP ignoring opcode {} on the request port from {}", opcode, from);
            default -> {
                log.debug("TFTP unknown opcode {} from {}", opcode, from);
                reply(from, TftpPacket.ERR_ILLEGAL_OPERATION, "illegal TFTP operation: unknown opcode " + opcode);
            }
        }
    }

    private void handleRead(InetSocketAddress from, ByteBuffer packet) {
        TftpRequest request;
        try {
            request = TftpPacket.parseRequest(packet);
        } catch (MalformedPacketException e) {
            log.debug("TFTP malformed request from {}: {}", from, e.getMessage());
            reply(from, TftpPacket.ERR_ILLEGAL_OPERATION, "illegal TFTP operation: " + e.getMessage());
            return;
        }
        if (!request.mode().equals("octet") && !request.mode().equals("netascii")) {
            reply(from, TftpPacket.ERR_ILLEGAL_OPERATION, "unsupported transfer mode '" + request.mode() + "'");
            return;
        }
        Transfer running = active.get(from);
        if (running != null && !running.finished()) {
            // A retransmitted RRQ while we are already answering it: starting twice would confuse the client.
            log.debug("TFTP duplicate request from {} ignored", from);
            return;
        }
        if (runningFrom(from.getAddress()) >= MAX_TRANSFERS_PER_CLIENT) {
            log.warn("TFTP refusing '{}' from {}: {} transfers from that address are running", request.filename(), from,
                    MAX_TRANSFERS_PER_CLIENT);
            reply(from, TftpPacket.ERR_NOT_DEFINED, "too many transfers from this address, try again later");
            safely(from, request, "too many transfers from this address");
            return;
        }
        if (!slots.tryAcquire()) {
            log.warn("TFTP server busy ({} transfers); refusing '{}' from {}", settings.maxConcurrentTransfers(),
                    request.filename(), from);
            reply(from, TftpPacket.ERR_NOT_DEFINED, "server busy, try again later");
            safely(from, request, "server busy");
            return;
        }
        Transfer[] self = new Transfer[1];
        try {
            self[0] = new Transfer(request, from, settings, files, observer, () -> {
                active.remove(from, self[0]); // a newer transfer for the same peer may have replaced it
                slots.release();
            });
            active.put(from, self[0]);
            workers.execute(self[0]);
        } catch (IOException | RuntimeException e) {
            if (self[0] != null) {
                active.remove(from, self[0]);
                self[0].discard();
            }
            slots.release();
            log.warn("TFTP could not start transfer for {}", from, e);
            reply(from, TftpPacket.ERR_NOT_DEFINED, "server error");
        }
    }

    private long runningFrom(java.net.InetAddress address) {
        return active.entrySet().stream()
                .filter(e -> ((InetSocketAddress) e.getKey()).getAddress().equals(address) && !e.getValue().finished())
                .count();
    }

    private void safely(InetSocketAddress from, TftpRequest request, String reason) {
        try {
            observer.failed(new TransferInfo(from, request.filename(), -1, 0, 0), reason);
        } catch (RuntimeException e) {
            log.warn("TFTP transfer observer threw", e);
        }
    }

    private void reply(InetSocketAddress to, int code, String message) {
        try {
            listener.send(TftpPacket.error(code, message), to);
        } catch (IOException e) {
            log.debug("TFTP could not send ERROR to {}", to, e);
        }
    }

    /** Stops listening, aborts running transfers and waits briefly for their threads. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            log.debug("closing TFTP listener", e);
        }
        active.values().forEach(Transfer::abort);
        workers.shutdownNow();
        try {
            listenerThread.join(2000);
            if (!workers.awaitTermination(2, TimeUnit.SECONDS)) {
                log.warn("TFTP transfers did not stop within 2 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("TFTP server on port {} stopped", port);
    }
}
