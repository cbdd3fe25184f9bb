package io.labctl.bastion.internal;

import io.labctl.bastion.boot.Bastion;
import io.labctl.bastion.boot.BastionSettings;
import io.labctl.bastion.boot.ProvisioningLink;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** etc/io.labctl.bastion.cfg to checked settings; every message names the key to fix. */
final class Settings {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private Settings() {}

    static BastionSettings from(BastionConfig c, Path dataDirectory) {
        BastionSettings.DhcpMode mode;
        try {
            mode = BastionSettings.DhcpMode.valueOf(c.dhcpMode().strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("dhcpMode '" + c.dhcpMode() + "' is not one of full, proxy, off");
        }
        Inet4Address server = ipv4("serverAddress", c.serverAddress());
        List<Inet4Address> dns = new ArrayList<>();
        for (String d : c.dnsServers().split(",")) {
            if (!d.isBlank()) {
                dns.add(ipv4("dnsServers", d));
            }
        }
        if (dns.isEmpty()) {
            dns.add(server);
        }
        String agent = c.agentDistribution().strip();
        return new BastionSettings(c.interfaceName() == null ? null : c.interfaceName().strip(), server, mode,
                optional("poolStart", c.poolStart()), optional("poolEnd", c.poolEnd()),
                ipv4("subnetMask", c.subnetMask()), router(c, server, mode), dns,
                Duration.ofSeconds(c.leaseSeconds()), c.dhcpPort(), c.tftpPort(), c.httpPort(),
                Path.of(c.ipxeDirectory()), Path.of(c.installerDirectory()), agent.isEmpty() ? null : Path.of(agent),
                dataDirectory, c.waitSeconds(), c.kernelArgs(),
                mode == BastionSettings.DhcpMode.FULL && c.routerAdvertisements());
    }

    /** Starts a bastion from its configuration, with labd's state reached through link; data under karaf.data. */
    static Bastion start(BastionConfig config, ProvisioningLink link) throws IOException {
        BastionSettings settings = from(config, Path.of(System.getProperty("karaf.data", "data"), "bastion"));
        return Bastion.start(settings, link,
                new InstallerRendering(settings.baseUrl(), settings.agentDistribution(), sshKey(config)));
    }

    static Optional<String> sshKey(BastionConfig config) {
        return config.sshAuthorizedKey().isBlank() ? Optional.empty() : Optional.of(config.sshAuthorizedKey().strip());
    }

    /**
     * In full mode the bastion is the network's gateway unless told otherwise (as dnsmasq is): Debian's installer
     * stops at a prompt when DHCP offers no default route.
     */
    private static Inet4Address router(BastionConfig c, Inet4Address server, BastionSettings.DhcpMode mode) {
        Inet4Address configured = optional("router", c.router());
        return configured == null && mode == BastionSettings.DhcpMode.FULL ? server : configured;
    }

    private static Inet4Address optional(String key, String value) {
        return value == null || value.isBlank() ? null : ipv4(key, value);
    }

    /** Literal addresses only: a host name here would mean a DNS lookup at start-up. */
    static Inet4Address ipv4(String key, String value) {
        String v = value == null ? "" : value.strip();
        if (!IPV4.matcher(v).matches()) {
            throw new IllegalArgumentException(key + " '" + value + "' is not an IPv4 address like 10.78.0.1");
        }
        try {
            return (Inet4Address) InetAddress.getByName(v);
        } catch (UnknownHostException | ClassCastException e) {
            throw new IllegalArgumentException(key + " '" + value + "' is not an IPv4 address like 10.78.0.1");
        }
    }
}
