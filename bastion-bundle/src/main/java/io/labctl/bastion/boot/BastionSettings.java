package io.labctl.bastion.boot;

import java.net.Inet4Address;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What one bastion serves, checked before anything listens. dhcpMode OFF leaves DHCP to another server that already
 * points machines at this bastion (next-server and boot file).
 */
public record BastionSettings(String interfaceName, Inet4Address serverAddress, DhcpMode dhcpMode,
                              Inet4Address poolStart, Inet4Address poolEnd, Inet4Address subnetMask,
                              Inet4Address router, List<Inet4Address> dnsServers, Duration leaseTime,
                              int dhcpPort, int tftpPort, int httpPort, Path ipxeDirectory, Path installerDirectory,
                              Path agentDistribution, Path dataDirectory, int waitSeconds, String kernelArgs,
                              boolean routerAdvertisements) {

    public enum DhcpMode { FULL, PROXY, OFF }

    public BastionSettings {
        if (interfaceName == null || interfaceName.isBlank()) {
            throw new IllegalArgumentException("interfaceName is required: DHCP is served on one named interface only");
        }
        if (serverAddress == null) {
            throw new IllegalArgumentException("serverAddress is required: the bastion's IPv4 address on " + interfaceName);
        }
        if (dhcpMode == DhcpMode.FULL && (poolStart == null || poolEnd == null)) {
            throw new IllegalArgumentException("dhcpMode full needs poolStart and poolEnd");
        }
        if (waitSeconds < 1 || waitSeconds > 3600) {
            throw new IllegalArgumentException("waitSeconds must be between 1 and 3600");
        }
        if (kernelArgs == null || kernelArgs.chars().anyMatch(c -> c < 0x20 || c == '$')) {
            throw new IllegalArgumentException("kernelArgs must be one line without '$'");
        }
    }

    /** The HTTP root booting machines use. */
    public String baseUrl() {
        return "http://" + serverAddress.getHostAddress() + ":" + httpPort;
    }
}
