package io.labctl.bastion.dhcp;

import static io.labctl.bastion.dhcp.DhcpOption.*;

import java.net.Inet4Address;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Decides how to answer one request. Pure logic (no sockets) so every protocol path is unit-testable. */
public final class DhcpResponder {
    private static final Logger log = LoggerFactory.getLogger(DhcpResponder.class);
    /** How long an OFFER reserves an address while the client makes up its mind. */
    static final Duration OFFER_HOLD = Duration.ofSeconds(60);
    /** How long an address reported in use by DHCPDECLINE stays out of the pool. */
    static final Duration DECLINE_QUARANTINE = Duration.ofMinutes(10);
    /** PXE vendor options: sub-option 6 (PXE_DISCOVERY_CONTROL) = 8, "use the boot file in this packet, skip boot server discovery". */
    static final byte[] PXE_VENDOR_OPTIONS = {6, 1, 8, (byte) 255};

    /** A reply and where to send it. */
    public record Reply(DhcpMessage message, Inet4Address destination, int port) {
        public boolean broadcast() {
            return destination.equals(Ipv4.BROADCAST);
        }
    }

    private final DhcpSettings settings;
    private final LeaseTable leases;
    private final BootObserver observer;
    /** Test hook: without option 43 firmware PXE treats a proxy offer as "ask me on 4011" (PXE ProxyBINL). */
    private boolean pxeVendorOptions = true;

    public DhcpResponder(DhcpSettings settings, LeaseTable leases, BootObserver observer) {
        if (settings.mode() == DhcpSettings.Mode.FULL && leases == null) {
            throw new IllegalArgumentException("FULL mode needs a LeaseTable");
        }
        this.settings = settings;
        this.leases = leases;
        this.observer = observer == null ? BootObserver.NONE : observer;
    }

    DhcpResponder withoutPxeVendorOptions() {
        pxeVendorOptions = false;
        return this;
    }

    /** A request that arrived on the server port from an unconfigured client. */
    public Optional<Reply> respond(DhcpMessage request) {
        return respond(request, settings.serverPort(), null, settings.clientPort());
    }

    /**
     * @param localPort the port the request arrived on (serverPort, or 4011 for proxyDHCP REQUESTs)
     * @param source    the datagram's source address, null/0.0.0.0 if unknown
     */
    public Optional<Reply> respond(DhcpMessage request, int localPort, Inet4Address source, int sourcePort) {
        if (request.op() != DhcpMessage.BOOTREQUEST || request.messageType() < 0) {
            log.debug("ignoring non-DHCP or non-request message {}", request);
            return Optional.empty();
        }
        notifyObserver(request);
        Optional<Reply> reply = settings.mode() == DhcpSettings.Mode.FULL
                ? full(request)
                : proxy(request, localPort, source, sourcePort);
        try {
            observer.answered(request, reply.map(Reply::message).orElse(null));
        } catch (RuntimeException e) {
            log.warn("boot observer failed for {}: {}", request.clientMac(), e.toString());
        }
        return reply;
    }

    private void notifyObserver(DhcpMessage r) {
        try {
            observer.seen(r.clientMac(), r.clientArch(), r.isIpxe(), r.vendorClass(), r);
        } catch (RuntimeException e) {
            log.warn("boot observer failed for {}: {}", r.clientMac(), e.toString());
        }
    }

    // ------------------------------------------------------------------ FULL mode

    private Optional<Reply> full(DhcpMessage req) {
        String mac = req.clientMac();
        Inet4Address server = settings.serverAddress();
        Inet4Address sid = req.serverId();
        switch (req.messageType()) {
            case DISCOVER: {
                Optional<Inet4Address> addr = leases.offer(mac, req.requestedIp(), OFFER_HOLD);
                if (addr.isEmpty()) {
                    log.warn("DHCP pool {}-{} on {} exhausted: no address for {}", Ipv4.str(settings.poolStart()),
                            Ipv4.str(settings.poolEnd()), settings.interfaceName(), mac);
                    return Optional.empty();
                }
                log.info("OFFER {} to {}", addr.get().getHostAddress(), mac);
                return Optional.of(reply(req, addressReply(req, OFFER, addr.get())));
            }
            case REQUEST: {
                if (sid != null && !sid.equals(server)) {
                    log.debug("{} chose server {}, not us", mac, sid.getHostAddress());
                    return Optional.empty();
                }
                Inet4Address wanted;
                if (sid != null) { // SELECTING: must match what we offered
                    wanted = req.requestedIp() != null ? req.requestedIp() : req.ciaddr();
                    if (!leases.holds(mac, wanted)) {
                        return nak(req, "requested " + Ipv4.str(wanted) + " was not offered to " + mac);
                    }
                } else if (req.requestedIp() != null) { // INIT-REBOOT
                    wanted = req.requestedIp();
                } else if (!req.ciaddr().equals(Ipv4.ANY)) { // RENEWING / REBINDING
                    wanted = req.ciaddr();
                } else {
                    log.debug("REQUEST from {} names no address; ignoring", mac);
                    return Optional.empty();
                }
                if (!leases.bind(mac, wanted, settings.leaseTime())) {
                    return nak(req, Ipv4.str(wanted) + " is not available to " + mac);
                }
                log.info("ACK {} to {}", wanted.getHostAddress(), mac);
                return Optional.of(reply(req, addressReply(req, ACK, wanted)));
            }
            case DECLINE:
                if (server.equals(sid)) {
                    log.warn("{} declined {} (address in use on the wire?)", mac, Ipv4.str(req.requestedIp()));
                    leases.decline(mac, req.requestedIp(), DECLINE_QUARANTINE);
                }
                return Optional.empty();
            case RELEASE:
                if (sid == null || server.equals(sid)) {
                    log.info("{} released {}", mac, Ipv4.str(req.ciaddr()));
                    leases.release(mac, req.ciaddr());
                }
                return Optional.empty();
            case INFORM: {
                DhcpMessage.Builder b = DhcpMessage.replyTo(req).ciaddr(req.ciaddr());
                b.messageType(ACK).option(SERVER_ID, server);
                networkOptions(b);
                bootInfo(req, b);
                return Optional.of(reply(req, b.build()));
            }
            default:
                log.debug("ignoring {} from {}", messageTypeName(req.messageType()), mac);
                return Optional.empty();
        }
    }

    private DhcpMessage addressReply(DhcpMessage req, int type, Inet4Address addr) {
        long lease = settings.leaseTime().toSeconds();
        DhcpMessage.Builder b = DhcpMessage.replyTo(req).ciaddr(req.ciaddr()).yiaddr(addr);
        b.messageType(type).option(SERVER_ID, settings.serverAddress());
        b.optionInt(LEASE_TIME, (int) lease)
                .optionInt(RENEWAL_TIME, (int) (lease / 2))
                .optionInt(REBINDING_TIME, (int) (lease * 7 / 8));
        networkOptions(b);
        bootInfo(req, b);
        return b.build();
    }

    private void networkOptions(DhcpMessage.Builder b) {
        b.option(SUBNET_MASK, settings.subnetMask());
        if (settings.router() != null) {
            b.option(ROUTER, settings.router());
        }
        if (!settings.dnsServers().isEmpty()) {
            b.option(DNS_SERVERS, settings.dnsServers().toArray(new Inet4Address[0]));
        }
    }

    private Optional<Reply> nak(DhcpMessage req, String why) {
        log.info("NAK to {}: {}", req.clientMac(), why);
        DhcpMessage.Builder b = DhcpMessage.replyTo(req);
        b.messageType(NAK).option(SERVER_ID, settings.serverAddress()).option(MESSAGE, why);
        return Optional.of(reply(req, b.build()));
    }

    // ------------------------------------------------------------------ PROXY mode

    private Optional<Reply> proxy(DhcpMessage req, int localPort, Inet4Address source, int sourcePort) {
        if (!req.isPxeClient()) {
            log.debug("proxy mode: {} is not a PXE client ({}), staying silent", req.clientMac(), req.vendorClass());
            return Optional.empty();
        }
        int type = req.messageType();
        boolean pxePort = localPort == DhcpSettings.PXE_PROXY_PORT;
        int replyType;
        if (type == DISCOVER && !pxePort) {
            replyType = OFFER;
        } else if ((type == REQUEST || type == INFORM) && pxePort) {
            replyType = ACK; // PXE 2.1: the client asks the proxy directly on 4011 once it has an address
        } else {
            return Optional.empty(); // REQUESTs on 67 belong to the real DHCP server
        }
        DhcpMessage.Builder b = DhcpMessage.replyTo(req).ciaddr(req.ciaddr());
        b.messageType(replyType).option(SERVER_ID, settings.serverAddress());
        if (!bootInfo(req, b)) {
            return Optional.empty();
        }
        if (replyType == OFFER && !req.isIpxe() && !pxeVendorOptions) {
            // Without option 43 the firmware sends its 4011 REQUEST to siaddr (EDK2 prefers it over option 54),
            // so siaddr must be us here; the real next-server goes out in the 4011 ACK.
            b.siaddr(settings.serverAddress());
        }
        DhcpMessage msg = b.build();
        log.info("proxy {} to {} (arch {}, ipxe {}): {}", messageTypeName(replyType), req.clientMac(),
                req.clientArch(), req.isIpxe(), msg.file());
        if (pxePort) {
            // Unicast straight back to where the request came from (PXE spec); broadcast only if we cannot.
            Inet4Address to = source != null && !source.equals(Ipv4.ANY) ? source
                    : !req.ciaddr().equals(Ipv4.ANY) ? req.ciaddr() : Ipv4.BROADCAST;
            return Optional.of(new Reply(msg, to, to.equals(Ipv4.BROADCAST) ? settings.clientPort() : sourcePort));
        }
        return Optional.of(reply(req, msg));
    }

    // ------------------------------------------------------------------ shared

    /** Adds siaddr/file and the PXE options for PXE/iPXE clients; false if it is not one or no boot file was chosen. */
    private boolean bootInfo(DhcpMessage req, DhcpMessage.Builder b) {
        if (!req.isPxeClient() && !req.isIpxe()) {
            return false;
        }
        BootFile bf;
        try {
            bf = settings.bootFileChooser().choose(req.clientMac(), req.clientArch(), req.isIpxe());
        } catch (RuntimeException e) {
            log.warn("boot file chooser failed for {}: {}", req.clientMac(), e.toString());
            return false;
        }
        if (bf == null) {
            return false;
        }
        Inet4Address next = bf.nextServer() == null ? settings.serverAddress() : Ipv4.parse(bf.nextServer());
        b.siaddr(next).file(bf.filename());
        b.option(VENDOR_CLASS, "PXEClient");
        if (!req.isIpxe() && pxeVendorOptions) {
            b.option(VENDOR_SPECIFIC, PXE_VENDOR_OPTIONS);
        }
        byte[] uuid = req.option(CLIENT_UUID);
        if (uuid != null) {
            b.option(CLIENT_UUID, uuid); // PXE ROMs expect their machine UUID echoed back
        }
        return true;
    }

    /** RFC 2131 4.1: relay first, NAK broadcast, configured clients unicast, everyone else broadcast. */
    private Reply reply(DhcpMessage req, DhcpMessage msg) {
        if (!req.giaddr().equals(Ipv4.ANY)) {
            return new Reply(msg, req.giaddr(), settings.serverPort());
        }
        if (msg.messageType() != NAK && !req.ciaddr().equals(Ipv4.ANY)) {
            return new Reply(msg, req.ciaddr(), settings.clientPort());
        }
        // Broadcast: a client without an address cannot answer ARP, and we cannot inject ARP entries.
        return new Reply(msg, Ipv4.BROADCAST, settings.clientPort());
    }
}
