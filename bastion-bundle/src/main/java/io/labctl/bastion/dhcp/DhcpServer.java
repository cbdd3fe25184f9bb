package io.labctl.bastion.dhcp;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a DhcpResponder on sockets bound to one interface: the server port, plus 4011 in proxy mode. */
public final class DhcpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DhcpServer.class);
    /** Anything bigger is not a DHCP message we want to parse (and cannot come from a sane client on Ethernet). */
    static final int MAX_DATAGRAM = 1500;
    private static final int POLL_MS = 200;

    private final DhcpSettings settings;
    private final DhcpResponder responder;
    private final LeaseTable leases;
    private final List<InterfaceBoundUdpSocket> sockets = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong replied = new AtomicLong();

    /** Counters for monitoring: datagrams received, dropped as oversized/malformed, replies sent. */
    public record Stats(long received, long dropped, long replied) {
    }

    public Stats stats() {
        return new Stats(received.get(), dropped.get(), replied.get());
    }

    private DhcpServer(DhcpSettings settings, LeaseTable leases, BootObserver observer, boolean pxeVendorOptions) {
        this.settings = settings;
        this.leases = leases;
        DhcpResponder r = new DhcpResponder(settings, leases, observer);
        this.responder = pxeVendorOptions ? r : r.withoutPxeVendorOptions();
    }

    public static DhcpServer start(DhcpSettings settings, BootObserver observer) throws IOException {
        return start(settings, observer, true);
    }

    /** Test hook, see {@link DhcpResponder#withoutPxeVendorOptions()}. */
    static DhcpServer start(DhcpSettings settings, BootObserver observer, boolean pxeVendorOptions) throws IOException {
        DhcpServer server = new DhcpServer(settings, LeaseTable.forSettings(settings, Clock.systemUTC()), observer, pxeVendorOptions);
        try {
            server.listen(settings.serverPort());
            if (settings.mode() == DhcpSettings.Mode.PROXY) {
                server.listen(DhcpSettings.PXE_PROXY_PORT);
            }
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        log.info("DHCP server ({} mode) listening on {} as {}", settings.mode(), settings.interfaceName(),
                settings.serverAddress().getHostAddress());
        return server;
    }

    private void listen(int port) throws IOException {
        InterfaceBoundUdpSocket socket = InterfaceBoundUdpSocket.open(settings.interfaceName(), port);
        sockets.add(socket);
        Thread t = new Thread(() -> loop(socket), "dhcp-" + settings.interfaceName() + "-" + port);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    /** Null in PROXY mode. */
    public LeaseTable leases() {
        return leases;
    }

    public DhcpSettings settings() {
        return settings;
    }

    private void loop(InterfaceBoundUdpSocket socket) {
        byte[] buf = new byte[MAX_DATAGRAM + 1];
        while (running) {
            InterfaceBoundUdpSocket.Datagram d;
            try {
                d = socket.receive(buf, POLL_MS);
            } catch (IOException e) {
                if (running) {
                    log.warn("{}; stopping receive loop", e.getMessage());
                }
                return;
            }
            if (d == null) {
                continue;
            }
            try {
                handle(socket, d);
            } catch (RuntimeException e) {
                // A bug for one packet must not take DHCP down for the whole lab.
                log.warn("error handling datagram from {}:{}", d.source().getHostAddress(), d.sourcePort(), e);
            }
        }
    }

    private void handle(InterfaceBoundUdpSocket socket, InterfaceBoundUdpSocket.Datagram d) {
        String peer = d.source().getHostAddress() + ":" + d.sourcePort();
        received.incrementAndGet();
        if (d.length() > MAX_DATAGRAM) {
            dropped.incrementAndGet();
            log.debug("ignoring {} byte datagram from {} on {} (limit {})", d.length(), peer, socket.interfaceName(), MAX_DATAGRAM);
            return;
        }
        DhcpMessage request;
        try {
            request = DhcpMessage.parse(d.data(), d.length());
        } catch (DhcpFormatException e) {
            dropped.incrementAndGet();
            log.debug("ignoring malformed datagram from {} on {}: {}", peer, socket.interfaceName(), e.getMessage());
            return;
        }
        log.debug("received {} from {} on {}:{}", request, peer, socket.interfaceName(), socket.port());
        responder.respond(request, socket.port(), d.source(), d.sourcePort()).ifPresent(reply -> {
            try {
                socket.send(reply.message().encode(), reply.destination(), reply.port());
                replied.incrementAndGet();
            } catch (IOException e) {
                log.warn("{}", e.getMessage());
            }
        });
    }

    /** Stops the receive threads (they notice within one poll interval) and closes the sockets. */
    @Override
    public void close() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(2 * POLL_MS + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sockets.forEach(InterfaceBoundUdpSocket::close);
    }
}
