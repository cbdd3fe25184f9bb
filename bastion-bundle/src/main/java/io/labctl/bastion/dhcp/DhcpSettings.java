package io.labctl.bastion.dhcp;

import java.net.Inet4Address;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Configuration of one DHCP server instance, validated up front so a bad setting fails at start-up
 * rather than as odd behaviour on the wire. Pool, mask, router, DNS and lease time apply to FULL mode only.
 */
public record DhcpSettings(
        Mode mode,
        String interfaceName,
        Inet4Address serverAddress,
        Inet4Address poolStart,
        Inet4Address poolEnd,
        Inet4Address subnetMask,
        Inet4Address router,
        List<Inet4Address> dnsServers,
        Duration leaseTime,
        int serverPort,
        int clientPort,
        BootFileChooser bootFileChooser,
        Path leaseFile) {

    public enum Mode {
        /** Authoritative server that hands out addresses from the pool. */
        FULL,
        /** proxyDHCP next to another DHCP server: boot information for PXE clients only, never addresses. */
        PROXY
    }

    public static final int DEFAULT_SERVER_PORT = 67;
    public static final int DEFAULT_CLIENT_PORT = 68;
    /** PXE clients send their proxyDHCP REQUEST here (PXE 2.1). */
    public static final int PXE_PROXY_PORT = 4011;
    public static final int DEFAULT_HTTP_PORT = 8080;

    public DhcpSettings {
        Objects.requireNonNull(mode, "mode is required (FULL or PROXY)");
        if (interfaceName == null || interfaceName.isBlank()) {
            throw new IllegalArgumentException("interfaceName is required: the DHCP server only ever serves one named interface");
        }
        String lower = interfaceName.trim().toLowerCase(Locale.ROOT);
        if (lower.equals("*") || lower.equals("all") || lower.equals("any") || lower.equals("0.0.0.0")) {
            throw new IllegalArgumentException("interfaceName '" + interfaceName
                    + "' would mean all interfaces; name the provisioning interface, e.g. 'eth1'");
        }
        if (interfaceName.length() > 15 || interfaceName.contains("/") || interfaceName.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("'" + interfaceName + "' is not a valid Linux interface name (max 15 chars, no '/' or spaces)");
        }
        Objects.requireNonNull(serverAddress, "serverAddress (the bastion's IPv4 on " + interfaceName + ") is required");
        checkPort("serverPort", serverPort);
        checkPort("clientPort", clientPort);
        if (serverPort == clientPort) {
            throw new IllegalArgumentException("serverPort and clientPort must differ, both are " + serverPort);
        }
        Objects.requireNonNull(bootFileChooser, "bootFileChooser is required (see BootFileChooser.defaults)");
        dnsServers = dnsServers == null ? List.of() : List.copyOf(dnsServers);
        if (mode == Mode.FULL) {
            validateFull(serverAddress, poolStart, poolEnd, subnetMask, router, leaseTime);
        } else if (poolStart != null || poolEnd != null) {
            throw new IllegalArgumentException("PROXY mode never assigns addresses: do not set poolStart/poolEnd");
        }
    }

    private static void validateFull(Inet4Address server, Inet4Address start, Inet4Address end, Inet4Address mask,
            Inet4Address router, Duration leaseTime) {
        if (start == null || end == null) {
            throw new IllegalArgumentException("FULL mode needs poolStart and poolEnd");
        }
        if (mask == null) {
            throw new IllegalArgumentException("FULL mode needs subnetMask");
        }
        int m = Ipv4.toInt(mask);
        if (m == 0 || (~m & (~m + 1)) != 0) {
            throw new IllegalArgumentException("subnetMask " + mask.getHostAddress() + " is not a contiguous netmask");
        }
        int s = Ipv4.toInt(start);
        int e = Ipv4.toInt(end);
        if (Integer.compareUnsigned(s, e) > 0) {
            throw new IllegalArgumentException("poolStart " + start.getHostAddress() + " is after poolEnd " + end.getHostAddress());
        }
        int net = Ipv4.toInt(server) & m;
        if ((s & m) != net || (e & m) != net) {
            throw new IllegalArgumentException("pool " + start.getHostAddress() + "-" + end.getHostAddress()
                    + " is not in the server's subnet " + Ipv4.fromInt(net).getHostAddress() + "/" + Integer.bitCount(m));
        }
        if ((s & ~m) == 0 || (e & ~m) == ~m) {
            throw new IllegalArgumentException("pool must not include the network or broadcast address");
        }
        if (router != null && (Ipv4.toInt(router) & m) != net) {
            throw new IllegalArgumentException("router " + router.getHostAddress() + " is not in the server's subnet");
        }
        if (leaseTime == null || leaseTime.isNegative() || leaseTime.isZero() || leaseTime.toSeconds() < 60
                || leaseTime.toSeconds() > 0xFFFFFFFEL) {
            throw new IllegalArgumentException("FULL mode needs a leaseTime between 60 seconds and ~136 years, got " + leaseTime);
        }
    }

    private static void checkPort(String name, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(name + " " + port + " is not a UDP port (1-65535)");
        }
    }

    public static Builder full(String interfaceName, Inet4Address serverAddress) {
        return new Builder(Mode.FULL, interfaceName, serverAddress);
    }

    public static Builder proxy(String interfaceName, Inet4Address serverAddress) {
        return new Builder(Mode.PROXY, interfaceName, serverAddress);
    }

    /** Convenience builder; validation still happens in the record constructor. */
    public static final class Builder {
        private final Mode mode;
        private final String interfaceName;
        private final Inet4Address serverAddress;
        private Inet4Address poolStart;
        private Inet4Address poolEnd;
        private Inet4Address subnetMask;
        private Inet4Address router;
        private List<Inet4Address> dnsServers = List.of();
        private Duration leaseTime = Duration.ofHours(1);
        private int serverPort = DEFAULT_SERVER_PORT;
        private int clientPort = DEFAULT_CLIENT_PORT;
        private BootFileChooser chooser;
        private Path leaseFile;

        private Builder(Mode mode, String interfaceName, Inet4Address serverAddress) {
            this.mode = mode;
            this.interfaceName = interfaceName;
            this.serverAddress = serverAddress;
        }

        public Builder pool(Inet4Address start, Inet4Address end, Inet4Address mask) {
            poolStart = start;
            poolEnd = end;
            subnetMask = mask;
            return this;
        }

        public Builder subnetMask(Inet4Address mask) { subnetMask = mask; return this; }
        public Builder router(Inet4Address r) { router = r; return this; }
        public Builder dnsServers(List<Inet4Address> dns) { dnsServers = dns; return this; }
        public Builder leaseTime(Duration d) { leaseTime = d; return this; }
        public Builder serverPort(int p) { serverPort = p; return this; }
        public Builder clientPort(int p) { clientPort = p; return this; }
        public Builder bootFileChooser(BootFileChooser c) { chooser = c; return this; }
        public Builder leaseFile(Path p) { leaseFile = p; return this; }

        public DhcpSettings build() {
            BootFileChooser c = chooser;
            if (c == null && serverAddress != null) {
                c = BootFileChooser.defaults(serverAddress, DEFAULT_HTTP_PORT);
            }
            return new DhcpSettings(mode, interfaceName, serverAddress, poolStart, poolEnd, subnetMask, router,
                    dnsServers, leaseTime, serverPort, clientPort, c, leaseFile);
        }
    }
}
