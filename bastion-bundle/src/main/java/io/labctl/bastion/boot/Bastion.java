package io.labctl.bastion.boot;

import io.labctl.bastion.dhcp.BootFileChooser;
import io.labctl.bastion.dhcp.BootObserver;
import io.labctl.bastion.dhcp.DhcpMessage;
import io.labctl.bastion.dhcp.DhcpOption;
import io.labctl.bastion.dhcp.Ipv4;
import io.labctl.bastion.dhcp.DhcpServer;
import io.labctl.bastion.dhcp.DhcpSettings;
import io.labctl.bastion.dhcp.RouterAdvertiser;
import io.labctl.bastion.tftp.CompositeFiles;
import io.labctl.bastion.tftp.RootDirectoryFiles;
import io.labctl.bastion.tftp.TftpServer;
import io.labctl.bastion.tftp.TftpSettings;
import io.labctl.bastion.tftp.TransferInfo;
import io.labctl.bastion.tftp.TransferObserver;
import io.labctl.bastion.tftp.VirtualFiles;
import io.labctl.protocol.provision.BastionEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running bastion: boot HTTP, TFTP for the iPXE binaries (and the entry script, for clients that fetch it over
 * TFTP), and DHCP or proxyDHCP on one interface. Started whole or not at all: a server that fails to start closes the
 * ones started before it.
 */
public final class Bastion implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Bastion.class);

    private final BootHttp http;
    private final TftpServer tftp;
    private final DhcpServer dhcp;
    private final RouterAdvertiser advertiser;
    private final BootEvents events;

    private Bastion(BootHttp http, TftpServer tftp, DhcpServer dhcp, RouterAdvertiser advertiser, BootEvents events) {
        this.http = http;
        this.tftp = tftp;
        this.dhcp = dhcp;
        this.advertiser = advertiser;
        this.events = events;
    }

    public static Bastion start(BastionSettings s, ProvisioningLink link, InstallerFiles files) throws IOException {
        return start(s, link, files, BootEvents.system());
    }

    /** With the events' buffer given (tests); it reports to labd through link from here on, until close. */
    public static Bastion start(BastionSettings s, ProvisioningLink link, InstallerFiles files, BootEvents events)
            throws IOException {
        BootScripts scripts = new BootScripts(s.baseUrl(), s.waitSeconds(), s.kernelArgs());
        if (s.dataDirectory() != null) {
            Files.createDirectories(s.dataDirectory());
        }
        BootHttp http = null;
        TftpServer tftp = null;
        try {
            http = new BootHttp(new InetSocketAddress(s.serverAddress(), s.httpPort()), scripts, link, files,
                    s.installerDirectory(), s.agentDistribution(), events);
            VirtualFiles generated = new VirtualFiles().put("boot.ipxe", scripts.entry().getBytes(StandardCharsets.US_ASCII));
            tftp = TftpServer.start(TftpSettings.defaults().withBindAddress(s.serverAddress()).withPort(s.tftpPort()),
                    CompositeFiles.of(generated, new RootDirectoryFiles(s.ipxeDirectory())), new TransferLog(events));
            DhcpServer dhcp = null;
            if (s.dhcpMode() != BastionSettings.DhcpMode.OFF) {
                DhcpSettings.Builder b = s.dhcpMode() == BastionSettings.DhcpMode.FULL
                        ? DhcpSettings.full(s.interfaceName(), s.serverAddress()).pool(s.poolStart(), s.poolEnd(), s.subnetMask())
                                .router(s.router()).dnsServers(s.dnsServers()).leaseTime(s.leaseTime())
                        : DhcpSettings.proxy(s.interfaceName(), s.serverAddress());
                if (s.dataDirectory() != null && s.dhcpMode() == BastionSettings.DhcpMode.FULL) {
                    b.leaseFile(s.dataDirectory().resolve("dhcp-leases"));
                }
                BootHttp boot = http;
                dhcp = DhcpServer.start(b.serverPort(s.dhcpPort())
                                .bootFileChooser(BootFileChooser.defaults(s.serverAddress(), s.httpPort())).build(),
                        new DhcpLog(boot, events));
            }
            RouterAdvertiser advertiser = null;
            if (s.routerAdvertisements()) {
                try {
                    advertiser = RouterAdvertiser.start(s.interfaceName());
                } catch (IOException e) {
                    // only a slower boot (iPXE waits for IPv6), not a reason to serve nothing
                    LOG.warn("no IPv6 router advertisements on {}: {}", s.interfaceName(), e.getMessage());
                }
            }
            LOG.info("bastion serving on {} ({}): DHCP {}, TFTP port {}, HTTP {}", s.interfaceName(),
                    s.serverAddress().getHostAddress(), s.dhcpMode(), tftp.port(), s.baseUrl());
            events.add(null, BastionEvent.BASTION, "started on " + s.interfaceName() + " ("
                    + s.serverAddress().getHostAddress() + "): DHCP " + s.dhcpMode().name().toLowerCase(Locale.ROOT)
                    + ", TFTP port " + tftp.port() + ", HTTP " + s.baseUrl());
            events.start(link::events);
            return new Bastion(http, tftp, dhcp, advertiser, events);
        } catch (IOException | RuntimeException e) {
            if (tftp != null) {
                tftp.close();
            }
            if (http != null) {
                http.close();
            }
            throw e;
        }
    }

    public int httpPort() {
        return http.port();
    }

    public int tftpPort() {
        return tftp.port();
    }

    @Override
    public void close() {
        if (advertiser != null) {
            advertiser.close();
        }
        if (dhcp != null) {
            dhcp.close();
        }
        tftp.close();
        http.close();
        events.close();
    }

    /** TFTP transfers in the log and the events: the first sign of a machine booting, before it speaks HTTP. */
    private static final class TransferLog implements TransferObserver {
        private final BootEvents events;

        TransferLog(BootEvents events) {
            this.events = events;
        }

        @Override
        public void completed(TransferInfo t, long bytes, Duration duration) {
            LOG.info("TFTP sent {} ({} bytes, block size {}, window {}) to {} in {} ms", t.filename(), bytes,
                    t.blockSize(), t.windowSize(), t.peer().getAddress().getHostAddress(), duration.toMillis());
            events.addFrom(t.peer().getAddress(), BastionEvent.TFTP, "sent " + t.filename() + " (" + bytes
                    + " bytes, block size " + t.blockSize() + ", " + duration.toMillis() + " ms) to "
                    + t.peer().getAddress().getHostAddress());
        }

        @Override
        public void failed(TransferInfo t, String reason) {
            LOG.info("TFTP {} to {} failed: {}", t.filename(), t.peer().getAddress().getHostAddress(), reason);
            events.addFrom(t.peer().getAddress(), BastionEvent.TFTP, "failed " + t.filename() + " to "
                    + t.peer().getAddress().getHostAddress() + ": " + reason);
        }
    }

    /**
     * DHCP in the events: what a PXE or iPXE client asked and what it got (other clients, which a proxy leaves to the
     * network's own server, only when this bastion answered them). A lease tells which machine has which address.
     */
    static final class DhcpLog implements BootObserver {
        private final BootHttp boot;
        private final BootEvents events;

        DhcpLog(BootHttp boot, BootEvents events) {
            this.boot = boot;
            this.events = events;
        }

        @Override
        public void seen(String mac, int arch, boolean ipxe, String vendorClass, DhcpMessage request) {
            if (boot != null) {
                boot.dhcpSeen(mac, Map.of("dhcp.arch", Integer.toString(arch),
                        "dhcp.vendor-class", vendorClass == null ? "" : vendorClass));
            }
        }

        @Override
        public void answered(DhcpMessage request, DhcpMessage reply) {
            boolean booting = request.isPxeClient() || request.isIpxe();
            if (!booting && reply == null) {
                return;
            }
            StringBuilder d = new StringBuilder(DhcpOption.messageTypeName(request.messageType()));
            d.append(" (").append(request.isIpxe() ? "iPXE" : request.isPxeClient() ? "PXE" : "no PXE");
            if (booting) {
                d.append(", arch ").append(request.clientArch());
            }
            d.append(")");
            if (reply == null) {
                d.append(": no answer");
            } else {
                d.append(" -> ").append(DhcpOption.messageTypeName(reply.messageType()));
                if (!reply.yiaddr().equals(Ipv4.ANY)) {
                    d.append(' ').append(reply.yiaddr().getHostAddress());
                }
                if (reply.file() != null && !reply.file().isEmpty()) {
                    d.append(", boot file ").append(reply.file());
                }
                if (reply.messageType() == DhcpOption.ACK && !reply.yiaddr().equals(Ipv4.ANY)) {
                    events.leased(reply.yiaddr(), request.clientMac());
                }
            }
            if (!request.ciaddr().equals(Ipv4.ANY)) {
                events.leased(request.ciaddr(), request.clientMac());
            }
            events.add(request.clientMac(), BastionEvent.DHCP, d.toString());
        }
    }
}
