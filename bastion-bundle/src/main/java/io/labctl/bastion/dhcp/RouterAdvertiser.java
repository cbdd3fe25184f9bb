package io.labctl.bastion.dhcp;

import com.sun.jna.LastErrorException;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers IPv6 Router Solicitations on the provisioning interface with a Router Advertisement that announces
 * nothing: no prefix, no DHCPv6, router lifetime 0 (not a default router). iPXE configures IPv6 beside DHCPv4 and
 * waits about 16 s for an advertisement before it boots; this one lets it go on at once, as dnsmasq's
 * {@code --enable-ra} does. Raw ICMPv6 socket through JNA, bound to the interface. Linux only.
 */
public final class RouterAdvertiser implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RouterAdvertiser.class);
    private static final int AF_INET6 = 10;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int IPPROTO_IPV6 = 41;
    private static final int IPPROTO_ICMPV6 = 58;
    private static final int SOL_SOCKET = 1;
    private static final int SO_BINDTODEVICE = 25;
    private static final int IPV6_UNICAST_HOPS = 16;
    private static final int IPV6_MULTICAST_IF = 17;
    private static final int IPV6_MULTICAST_HOPS = 18;
    private static final int IPV6_ADD_MEMBERSHIP = 20;
    private static final int ROUTER_SOLICITATION = 133;
    private static final int ROUTER_ADVERTISEMENT = 134;
    private static final byte[] ALL_NODES = {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    private static final byte[] ALL_ROUTERS = {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
    /** Answers at most this often, whatever the solicitations: a peer cannot make us flood the link. */
    private static final long MIN_INTERVAL_MILLIS = 500;

    private final String interfaceName;
    private final int ifindex;
    private final byte[] advertisement;
    private final Thread thread;
    private volatile int fd;
    private volatile boolean closed;
    private long lastSent;

    private RouterAdvertiser(String interfaceName, int ifindex, byte[] mac, int fd) {
        this.interfaceName = interfaceName;
        this.ifindex = ifindex;
        this.fd = fd;
        this.advertisement = advertisement(mac);
        this.thread = new Thread(this::serve, "ipv6-ra-" + interfaceName);
        thread.setDaemon(true);
    }

    /** The Router Advertisement: hop limit 64, no flags, lifetime 0, and the source link-layer address option. */
    static byte[] advertisement(byte[] mac) {
        ByteBuffer b = ByteBuffer.allocate(16 + (mac == null ? 0 : 8));
        b.put((byte) ROUTER_ADVERTISEMENT).put((byte) 0).putShort((short) 0); // checksum: the kernel fills it
        b.put((byte) 64).put((byte) 0).putShort((short) 0);                    // hop limit, M=O=0, lifetime 0
        b.putInt(0).putInt(0);                                                 // reachable, retransmit: unspecified
        if (mac != null) {
            b.put((byte) 1).put((byte) 1).put(mac);                            // source link-layer address
        }
        return b.array();
    }

    public static RouterAdvertiser start(String interfaceName) throws IOException {
        NetworkInterface ni;
        try {
            ni = NetworkInterface.getByName(interfaceName);
        } catch (SocketException e) {
            throw new IOException("cannot look up network interface '" + interfaceName + "': " + e.getMessage(), e);
        }
        if (ni == null) {
            throw new IOException("no network interface '" + interfaceName + "': see 'ip link'");
        }
        byte[] mac;
        try {
            mac = ni.getHardwareAddress();
        } catch (SocketException e) {
            mac = null;
        }
        InterfaceBoundUdpSocket.LibC c = InterfaceBoundUdpSocket.LibC.INSTANCE;
        int fd;
        try {
            fd = c.socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
        } catch (LastErrorException e) {
            throw new IOException("raw ICMPv6 socket for router advertisements: " + e.getMessage()
                    + " (needs root or CAP_NET_RAW)", e);
        }
        try {
            byte[] name = (interfaceName + "\0").getBytes(StandardCharsets.US_ASCII);
            c.setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, name.length);
            c.setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, InterfaceBoundUdpSocket.intBytes(255), 4);
            c.setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, InterfaceBoundUdpSocket.intBytes(255), 4);
            c.setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, InterfaceBoundUdpSocket.intBytes(ni.getIndex()), 4);
            byte[] mreq = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder()).put(ALL_ROUTERS).putInt(ni.getIndex()).array();
            c.setsockopt(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, mreq, mreq.length);
        } catch (LastErrorException e) {
            InterfaceBoundUdpSocket.closeQuietly(fd);
            throw new IOException("router advertisements on " + interfaceName + ": " + e.getMessage(), e);
        }
        RouterAdvertiser ra = new RouterAdvertiser(interfaceName, ni.getIndex(), mac, fd);
        ra.thread.start();
        LOG.info("answering IPv6 router solicitations on {} (no prefix, not a default router)", interfaceName);
        return ra;
    }

    private void serve() {
        byte[] buf = new byte[1500];
        byte[] pfd = new byte[8];
        while (!closed) {
            int f = fd;
            try {
                ByteBuffer.wrap(pfd).order(ByteOrder.nativeOrder()).putInt(0, f).putShort(4, (short) 1).putShort(6, (short) 0);
                if (InterfaceBoundUdpSocket.LibC.INSTANCE.poll(pfd, 1, 200) == 0) {
                    continue;
                }
                long n = InterfaceBoundUdpSocket.LibC.INSTANCE.recvfrom(f, buf, buf.length, 0, new byte[28],
                        new IntByReference(28));
                if (n >= 8 && (buf[0] & 0xFF) == ROUTER_SOLICITATION && buf[1] == 0) {
                    answer();
                }
            } catch (LastErrorException e) {
                if (!closed) {
                    LOG.debug("router advertisements on {}: {}", interfaceName, e.getMessage());
                    sleepQuietly();
                }
            }
        }
    }

    private void answer() {
        long now = System.currentTimeMillis();
        if (now - lastSent < MIN_INTERVAL_MILLIS) {
            return;
        }
        lastSent = now;
        byte[] to = ByteBuffer.allocate(28).order(ByteOrder.nativeOrder()).putShort((short) AF_INET6).array();
        ByteBuffer.wrap(to).position(8).put(ALL_NODES);
        ByteBuffer.wrap(to).order(ByteOrder.nativeOrder()).putInt(24, ifindex);
        try {
            InterfaceBoundUdpSocket.LibC.INSTANCE.sendto(fd, advertisement, advertisement.length, 0, to, to.length);
        } catch (LastErrorException e) {
            LOG.debug("router advertisement on {} not sent: {}", interfaceName, e.getMessage());
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int f = fd;
        fd = -1;
        InterfaceBoundUdpSocket.closeQuietly(f);
    }
}
