package io.labctl.bastion.dhcp;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A UDP socket bound to one network interface with SO_BINDTODEVICE, which the JDK cannot do.
 * Binding to the device (not to an address) is what lets us receive broadcasts from unconfigured
 * clients on that interface only, and makes 255.255.255.255 replies leave through it. Linux only.
 */
public final class InterfaceBoundUdpSocket implements AutoCloseable {
    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_REUSEADDR = 2;
    private static final int SO_BROADCAST = 6;
    private static final int SO_BINDTODEVICE = 25;
    private static final int MSG_TRUNC = 0x20;
    private static final short POLLIN = 0x1;
    private static final int EPERM = 1;
    private static final int EINTR = 4;
    private static final int EACCES = 13;
    private static final int ENODEV = 19;
    private static final int EADDRINUSE = 98;

    /** The few libc calls we need; JNA turns a -1 return with errno into LastErrorException. */
    interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int socket(int domain, int type, int protocol) throws LastErrorException;

        int setsockopt(int fd, int level, int name, byte[] value, int len) throws LastErrorException;

        int bind(int fd, byte[] sockaddr, int len) throws LastErrorException;

        int poll(byte[] fds, long nfds, int timeoutMs) throws LastErrorException;

        long recvfrom(int fd, byte[] buf, long len, int flags, byte[] from, IntByReference fromLen) throws LastErrorException;

        long sendto(int fd, byte[] buf, long len, int flags, byte[] to, int toLen) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    /** One received datagram; {@code length} is the real size even if it did not fit the buffer. */
    public record Datagram(byte[] data, int length, Inet4Address source, int sourcePort) {
    }

    private final String interfaceName;
    private final int port;
    private volatile int fd;

    private InterfaceBoundUdpSocket(String interfaceName, int port, int fd) {
        this.interfaceName = interfaceName;
        this.port = port;
        this.fd = fd;
    }

    public static InterfaceBoundUdpSocket open(String interfaceName, int port) throws IOException {
        try {
            if (NetworkInterface.getByName(interfaceName) == null) {
                throw new IOException("no network interface '" + interfaceName + "': see 'ip link'");
            }
        } catch (SocketException e) {
            throw new IOException("cannot look up network interface '" + interfaceName + "': " + e.getMessage(), e);
        }
        LibC c = LibC.INSTANCE;
        int fd;
        try {
            fd = c.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new IOException("socket(AF_INET, SOCK_DGRAM) failed: " + e.getMessage(), e);
        }
        String step = "SO_REUSEADDR";
        try {
            c.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, intBytes(1), 4);
            step = "SO_BROADCAST";
            c.setsockopt(fd, SOL_SOCKET, SO_BROADCAST, intBytes(1), 4);
            step = "SO_BINDTODEVICE " + interfaceName;
            byte[] name = (interfaceName + "\0").getBytes(StandardCharsets.US_ASCII);
            c.setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, name.length);
            step = "bind 0.0.0.0:" + port;
            byte[] sa = sockaddr(Ipv4.ANY, port);
            c.bind(fd, sa, sa.length);
        } catch (LastErrorException e) {
            closeQuietly(fd);
            throw describe(e, step, interfaceName, port);
        }
        return new InterfaceBoundUdpSocket(interfaceName, port, fd);
    }

    private static IOException describe(LastErrorException e, String step, String iface, int port) {
        int errno = e.getErrorCode();
        String msg;
        if (errno == EPERM || errno == EACCES) {
            msg = step + " on " + iface + ": permission denied; the DHCP server needs root or CAP_NET_BIND_SERVICE"
                    + " (port " + port + ") and CAP_NET_RAW (SO_BINDTODEVICE)";
        } else if (errno == EADDRINUSE) {
            msg = "UDP port " + port + " on " + iface + " is already in use by another DHCP server"
                    + " (see 'ss -ulpn sport = :" + port + "')";
        } else if (errno == ENODEV) {
            msg = "no network interface '" + iface + "': see 'ip link'";
        } else {
            msg = step + " on " + iface + " failed: " + e.getMessage();
        }
        return new IOException(msg, e);
    }

    /** Waits up to {@code timeoutMs} for a datagram; null on timeout so callers can check for shutdown. */
    public Datagram receive(byte[] buf, int timeoutMs) throws IOException {
        int f = fd;
        if (f < 0) {
            throw new IOException("socket closed");
        }
        byte[] pfd = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(f).putShort(POLLIN).putShort((short) 0).array();
        try {
            if (LibC.INSTANCE.poll(pfd, 1, timeoutMs) == 0) {
                return null;
            }
            byte[] from = new byte[16];
            IntByReference fromLen = new IntByReference(16);
            // MSG_TRUNC makes the kernel report the datagram's real length, so oversized ones are detectable.
            long n = LibC.INSTANCE.recvfrom(f, buf, buf.length, MSG_TRUNC, from, fromLen);
            ByteBuffer sa = ByteBuffer.wrap(from);
            int srcPort = sa.getShort(2) & 0xFFFF;
            byte[] addr = new byte[4];
            sa.position(4);
            sa.get(addr);
            return new Datagram(buf, (int) Math.min(n, Integer.MAX_VALUE), Ipv4.fromBytes(addr), srcPort);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EINTR) {
                return null;
            }
            throw new IOException("receive on " + interfaceName + ":" + port + " failed: " + e.getMessage(), e);
        }
    }

    public void send(byte[] data, Inet4Address to, int toPort) throws IOException {
        int f = fd;
        if (f < 0) {
            throw new IOException("socket closed");
        }
        byte[] sa = sockaddr(to, toPort);
        try {
            LibC.INSTANCE.sendto(f, data, data.length, 0, sa, sa.length);
        } catch (LastErrorException e) {
            throw new IOException("send to " + to.getHostAddress() + ":" + toPort + " via " + interfaceName
                    + " failed: " + e.getMessage(), e);
        }
    }

    public String interfaceName() {
        return interfaceName;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        int f = fd;
        fd = -1;
        if (f >= 0) {
            closeQuietly(f);
        }
    }

    static void closeQuietly(int fd) {
        try {
            LibC.INSTANCE.close(fd);
        } catch (LastErrorException ignored) {
            // nothing useful to do; the descriptor is gone either way
        }
    }

    static byte[] intBytes(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    /** struct sockaddr_in: family in host order, port and address in network order, 8 bytes of zero. */
    private static byte[] sockaddr(Inet4Address addr, int port) {
        ByteBuffer bb = ByteBuffer.allocate(16);
        bb.order(ByteOrder.nativeOrder()).putShort((short) AF_INET);
        bb.order(ByteOrder.BIG_ENDIAN).putShort((short) port).put(addr.getAddress());
        return bb.array();
    }
}
