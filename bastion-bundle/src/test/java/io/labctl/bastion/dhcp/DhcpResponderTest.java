package io.labctl.bastion.dhcp;

import static io.labctl.bastion.dhcp.Ipv4.parse;
import static org.junit.jupiter.api.Assertions.*;

import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DhcpResponderTest {
    static final Inet4Address SERVER = parse("10.77.1.1");

    /** A clock tests can move forward. */
    static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    final TestClock clock = new TestClock();
    final List<String> seen = new ArrayList<>();
    LeaseTable leases;

    DhcpSettings fullSettings(String start, String end, Path leaseFile) {
        return DhcpSettings.full("eth1", SERVER)
                .pool(parse(start), parse(end), parse("255.255.255.0"))
                .router(SERVER).dnsServers(List.of(parse("10.77.1.53"), parse("1.1.1.1")))
                .leaseTime(Duration.ofMinutes(10)).leaseFile(leaseFile).build();
    }

    DhcpResponder full(DhcpSettings s) {
        leases = LeaseTable.forSettings(s, clock);
        return new DhcpResponder(s, leases, (mac, arch, ipxe, vc, r) -> seen.add(mac + "/" + arch + "/" + ipxe));
    }

    static DhcpMessage.Builder client(String mac, int type) {
        return DhcpMessage.builder().clientMac(mac).xid(0x1234).messageType(type);
    }

    static DhcpMessage request(String mac, Inet4Address requested, Inet4Address serverId) {
        DhcpMessage.Builder b = client(mac, DhcpOption.REQUEST);
        if (requested != null) b.option(DhcpOption.REQUESTED_IP, requested);
        if (serverId != null) b.option(DhcpOption.SERVER_ID, serverId);
        return b.build();
    }

    /** Replies go over the wire, so check them after an encode/parse round trip. */
    static DhcpMessage wire(Optional<DhcpResponder.Reply> r) throws DhcpFormatException {
        assertTrue(r.isPresent(), "expected a reply");
        byte[] b = r.get().message().encode();
        return DhcpMessage.parse(b, b.length);
    }

    @Test
    void fullModeDiscoverOfferRequestAck() throws Exception {
        DhcpResponder r = full(fullSettings("10.77.1.100", "10.77.1.110", null));
        DhcpMessage discover = Fixtures.message("udhcpc-discover.bin"); // asks for 10.77.1.42, outside the pool
        Optional<DhcpResponder.Reply> offerReply = r.respond(discover);
        assertTrue(offerReply.get().broadcast());
        assertEquals(68, offerReply.get().port());
        DhcpMessage offer = wire(offerReply);
        assertEquals(DhcpOption.OFFER, offer.messageType());
        assertEquals(discover.xid(), offer.xid());
        assertEquals("52:54:00:ab:cd:ef", offer.clientMac());
        assertEquals("10.77.1.100", offer.yiaddr().getHostAddress());
        assertEquals(SERVER, offer.serverId());
        assertArrayEquals(new byte[] {0, 0, 2, 0x58}, offer.option(DhcpOption.LEASE_TIME));
        assertArrayEquals(new byte[] {0, 0, 1, 0x2c}, offer.option(DhcpOption.RENEWAL_TIME));
        assertArrayEquals(new byte[] {0, 0, 2, 0x0d}, offer.option(DhcpOption.REBINDING_TIME));
        assertArrayEquals(parse("255.255.255.0").getAddress(), offer.option(DhcpOption.SUBNET_MASK));
        assertArrayEquals(SERVER.getAddress(), offer.option(DhcpOption.ROUTER));
        assertArrayEquals(new byte[] {10, 77, 1, 53, 1, 1, 1, 1}, offer.option(DhcpOption.DNS_SERVERS));
        assertFalse(offer.hasOption(DhcpOption.VENDOR_CLASS), "not a PXE client");
        assertEquals("", offer.file());

        DhcpMessage ack = wire(r.respond(request("52:54:00:ab:cd:ef", offer.yiaddr(), SERVER)));
        assertEquals(DhcpOption.ACK, ack.messageType());
        assertEquals("10.77.1.100", ack.yiaddr().getHostAddress());
        assertEquals(LeaseTable.State.BOUND, leases.leaseFor("52:54:00:ab:cd:ef").get().state());
        assertEquals(List.of("52:54:00:ab:cd:ef/-1/false", "52:54:00:ab:cd:ef/-1/false"), seen);
    }


    DhcpResponder fullWithTable(DhcpSettings s) {
        leases = LeaseTable.forSettings(s, clock);
        return new DhcpResponder(s, leases, null);
    }

    @Test
    void leaseIsStablePerMacAndDistinctAcrossMacs() throws Exception {
        DhcpResponder r = fullWithTable(fullSettings("10.77.1.100", "10.77.1.110", null));
        String a = "52:54:00:00:00:0a";
        String b = "52:54:00:00:00:0b";
        Inet4Address ipA = wire(r.respond(client(a, 1).build())).yiaddr();
        Inet4Address ipB = wire(r.respond(client(b, 1).build())).yiaddr();
        assertNotEquals(ipA, ipB);
        assertEquals(DhcpOption.ACK, wire(r.respond(request(a, ipA, SERVER))).messageType());
        // rediscover, and again after the lease ran out and was released: same address
        assertEquals(ipA, wire(r.respond(client(a, 1).build())).yiaddr());
        r.respond(client(a, DhcpOption.RELEASE).ciaddr(ipA).option(DhcpOption.SERVER_ID, SERVER).build());
        clock.now = clock.now.plus(Duration.ofHours(5));
        assertEquals(ipA, wire(r.respond(client(a, 1).build())).yiaddr());
        // renewing (ciaddr set, no server id / requested ip) is ACKed by unicast
        r.respond(request(a, ipA, SERVER));
        Optional<DhcpResponder.Reply> renew = r.respond(client(a, DhcpOption.REQUEST).ciaddr(ipA).build());
        assertEquals(DhcpOption.ACK, wire(renew).messageType());
        assertEquals(ipA, renew.get().destination());
    }

    @Test
    void nakForAddressNotOfferedOrNotOurs() throws Exception {
        DhcpResponder r = fullWithTable(fullSettings("10.77.1.100", "10.77.1.110", null));
        String mac = "52:54:00:00:00:0c";
        r.respond(client(mac, 1).build()); // offered .100
        Optional<DhcpResponder.Reply> nak = r.respond(request(mac, parse("10.77.1.105"), SERVER));
        assertEquals(DhcpOption.NAK, wire(nak).messageType());
        assertTrue(nak.get().broadcast());
        assertEquals("0.0.0.0", wire(nak).yiaddr().getHostAddress());
        // INIT-REBOOT with an address from another network
        assertEquals(DhcpOption.NAK, wire(r.respond(request(mac, parse("192.168.9.9"), null))).messageType());
        // another client holds .100
        String other = "52:54:00:00:00:0d";
        r.respond(request(mac, parse("10.77.1.100"), SERVER));
        assertEquals(DhcpOption.NAK, wire(r.respond(request(other, parse("10.77.1.100"), null))).messageType());
        // INIT-REBOOT for a free pool address is granted
        assertEquals(DhcpOption.ACK, wire(r.respond(request(other, parse("10.77.1.107"), null))).messageType());
    }

    @Test
    void requestForAnotherServerIsIgnored() {
        DhcpResponder r = fullWithTable(fullSettings("10.77.1.100", "10.77.1.110", null));
        r.respond(client("52:54:00:00:00:0e", 1).build());
        assertTrue(r.respond(request("52:54:00:00:00:0e", parse("10.77.1.100"), parse("10.77.1.2"))).isEmpty());
    }

    @Test
    void poolExhaustionGivesNoOffer() throws Exception {
        DhcpResponder r = fullWithTable(fullSettings("10.77.1.100", "10.77.1.101", null));
        assertTrue(r.respond(client("52:54:00:00:01:01", 1).build()).isPresent());
        assertTrue(r.respond(client("52:54:00:00:01:02", 1).build()).isPresent());
        assertTrue(r.respond(client("52:54:00:00:01:03", 1).build()).isEmpty());
        // offers are only held briefly; once they lapse the pool is usable again
        clock.now = clock.now.plus(Duration.ofMinutes(2));
        assertEquals("10.77.1.100", wire(r.respond(client("52:54:00:00:01:03", 1).build())).yiaddr().getHostAddress());
    }

    @Test
    void serverAddressInsidePoolIsNeverHandedOut() throws Exception {
        DhcpResponder r = fullWithTable(fullSettings("10.77.1.1", "10.77.1.2", null));
        assertEquals("10.77.1.2", wire(r.respond(client("52:54:00:00:02:01", 1).build())).yiaddr().getHostAddress());
        assertTrue(r.respond(client("52:54:00:00:02:02", 1).build()).isEmpty());
    }

    @Test
    void declineQuarantinesTheAddress() throws Exception {
        DhcpResponder r = fullWithTable(fullSettings("10.77.1.100", "10.77.1.101", null));
        String mac = "52:54:00:00:03:01";
        Inet4Address first = wire(r.respond(client(mac, 1).build())).yiaddr();
        r.respond(client(mac, DhcpOption.DECLINE).option(DhcpOption.REQUESTED_IP, first).option(DhcpOption.SERVER_ID, SERVER).build());
        assertNotEquals(first, wire(r.respond(client(mac, 1).build())).yiaddr());
    }

    @Test
    void informIsAckedWithoutAddress() throws Exception {
        DhcpResponder r = fullWithTable(fullSettings("10.77.1.100", "10.77.1.101", null));
        Optional<DhcpResponder.Reply> reply = r.respond(client("52:54:00:00:04:01", DhcpOption.INFORM).ciaddr(parse("10.77.1.50")).build());
        DhcpMessage ack = wire(reply);
        assertEquals(DhcpOption.ACK, ack.messageType());
        assertEquals("0.0.0.0", ack.yiaddr().getHostAddress());
        assertFalse(ack.hasOption(DhcpOption.LEASE_TIME));
        assertEquals(parse("10.77.1.50"), reply.get().destination());
    }

    @Test
    void relayedRequestsAreAnsweredToTheRelay() throws Exception {
        DhcpResponder r = fullWithTable(fullSettings("10.77.1.100", "10.77.1.101", null));
        Optional<DhcpResponder.Reply> reply = r.respond(client("52:54:00:00:05:01", 1).giaddr(parse("10.77.1.254")).build());
        assertEquals(parse("10.77.1.254"), reply.get().destination());
        assertEquals(67, reply.get().port());
        assertEquals(parse("10.77.1.254"), wire(reply).giaddr());
    }

    @Test
    void fullModeGivesPxeClientsBootInformationByArch() throws Exception {
        DhcpResponder r = fullWithTable(fullSettings("10.77.1.100", "10.77.1.110", null));
        DhcpMessage ipxe = wire(r.respond(Fixtures.message("ipxe-bios-discover.bin")));
        assertEquals("http://10.77.1.1:8080/boot.ipxe", ipxe.file());
        assertEquals(SERVER, ipxe.siaddr());
        assertEquals("PXEClient", ipxe.vendorClass());
        assertEquals(17, ipxe.option(DhcpOption.CLIENT_UUID).length);
        DhcpMessage uefi = wire(r.respond(Fixtures.message("ovmf-pxe-discover.bin")));
        assertEquals("ipxe.efi", uefi.file());
        assertEquals("PXEClient", uefi.vendorClass());
        assertArrayEquals(new byte[] {6, 1, 8, (byte) 255}, uefi.option(DhcpOption.VENDOR_SPECIFIC));
    }

    @Test
    void leasesSurviveRestartThroughTheLeaseFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("leases.txt");
        DhcpSettings s = fullSettings("10.77.1.100", "10.77.1.110", file);
        DhcpResponder r = fullWithTable(s);
        r.respond(client("52:54:00:00:06:01", 1).build());
        r.respond(client("52:54:00:00:06:02", 1).build());
        r.respond(request("52:54:00:00:06:02", parse("10.77.1.101"), SERVER));
        assertTrue(Files.readString(file).contains("52:54:00:00:06:02 10.77.1.101"));
        DhcpResponder restarted = fullWithTable(s);
        assertEquals("10.77.1.101", wire(restarted.respond(client("52:54:00:00:06:02", 1).build())).yiaddr().getHostAddress());
        assertEquals("10.77.1.100", wire(restarted.respond(client("52:54:00:00:06:03", 1).build())).yiaddr().getHostAddress());
    }

    // ------------------------------------------------------------ proxy mode

    DhcpResponder proxy() {
        DhcpSettings s = DhcpSettings.proxy("eth1", SERVER).build();
        return new DhcpResponder(s, null, (mac, arch, ipxe, vc, req) -> seen.add(mac + "/" + arch + "/" + ipxe + "/" + vc));
    }

    @Test
    void proxyAnswersPxeClientsOnlyWithoutAnAddress() throws Exception {
        DhcpResponder r = proxy();
        assertTrue(r.respond(Fixtures.message("udhcpc-discover.bin")).isEmpty(), "plain DHCP client must be left to the real server");
        Optional<DhcpResponder.Reply> reply = r.respond(Fixtures.message("ovmf-pxe-discover.bin"));
        assertTrue(reply.get().broadcast());
        DhcpMessage offer = wire(reply);
        assertEquals(DhcpOption.OFFER, offer.messageType());
        assertEquals("0.0.0.0", offer.yiaddr().getHostAddress());
        assertEquals(SERVER, offer.siaddr());
        assertEquals(SERVER, offer.serverId());
        assertEquals("PXEClient", offer.vendorClass());
        assertEquals("ipxe.efi", offer.file());
        assertArrayEquals(new byte[] {6, 1, 8, (byte) 255}, offer.option(DhcpOption.VENDOR_SPECIFIC));
        assertFalse(offer.hasOption(DhcpOption.LEASE_TIME));
        assertFalse(offer.hasOption(DhcpOption.SUBNET_MASK));
        // both clients were reported to the observer, PXE or not
        assertEquals(List.of("52:54:00:ab:cd:ef/-1/false/udhcp 1.35.0",
                "52:54:00:12:34:57/7/false/PXEClient:Arch:00007:UNDI:003001"), seen);
    }

    @Test
    void proxyIgnoresRequestsOnPort67AndAcksThemOn4011ByUnicast() throws Exception {
        DhcpResponder r = proxy();
        DhcpMessage req = client("52:54:00:12:34:56", DhcpOption.REQUEST)
                .ciaddr(parse("10.77.9.60")).option(DhcpOption.VENDOR_CLASS, "PXEClient:Arch:00000:UNDI:002001")
                .option(DhcpOption.CLIENT_ARCH, new byte[] {0, 0}).build();
        assertTrue(r.respond(req, 67, parse("10.77.9.60"), 68).isEmpty());
        Optional<DhcpResponder.Reply> reply = r.respond(req, 4011, parse("10.77.9.60"), 68);
        assertEquals(parse("10.77.9.60"), reply.get().destination());
        assertEquals(68, reply.get().port());
        DhcpMessage ack = wire(reply);
        assertEquals(DhcpOption.ACK, ack.messageType());
        assertEquals("undionly.kpxe", ack.file());
        assertEquals("0.0.0.0", ack.yiaddr().getHostAddress());
    }

    @Test
    void proxyGivesIpxeTheHttpScriptSoTheChainDoesNotLoop() throws Exception {
        DhcpMessage offer = wire(proxy().respond(Fixtures.message("ipxe-bios-discover.bin")));
        assertEquals("http://10.77.1.1:8080/boot.ipxe", offer.file());
        DhcpMessage efi = wire(proxy().respond(Fixtures.message("ipxe-efi-discover.bin")));
        assertEquals("http://10.77.1.1:8080/boot.ipxe", efi.file());
    }

    @Test
    void defaultChooserPicksBootFileByArchAndIpxe() {
        BootFileChooser c = BootFileChooser.defaults(SERVER, 9000);
        assertEquals(new BootFile("10.77.1.1", "undionly.kpxe"), c.choose("m", 0, false));
        assertEquals("ipxe.efi", c.choose("m", 7, false).filename());
        assertEquals("ipxe.efi", c.choose("m", 9, false).filename());
        assertEquals("snponly.efi", c.choose("m", 11, false).filename());
        assertEquals("snponly.efi", c.choose("m", 6, false).filename());
        assertEquals("http://10.77.1.1:9000/boot.ipxe", c.choose("m", 0, true).filename());
        assertEquals("http://10.77.1.1:9000/boot.ipxe", c.choose("m", 7, true).filename());
    }

    @Test
    void customChooserAndNullMeansNoBootInfo() throws Exception {
        DhcpSettings s = DhcpSettings.proxy("eth1", SERVER)
                .bootFileChooser((mac, arch, ipxe) -> mac.endsWith(":56") ? new BootFile("10.77.1.9", "custom.kpxe") : null).build();
        DhcpResponder r = new DhcpResponder(s, null, null);
        DhcpMessage offer = wire(r.respond(Fixtures.message("ipxe-bios-discover.bin")));
        assertEquals("custom.kpxe", offer.file());
        assertEquals(parse("10.77.1.9"), offer.siaddr());
        assertTrue(r.respond(Fixtures.message("ipxe-efi-discover.bin")).isEmpty());
    }

    @Test
    void proxyOfferWithoutPxeVendorOptionsPointsSiaddrAtTheProxy() throws Exception {
        DhcpSettings s = DhcpSettings.proxy("eth1", SERVER)
                .bootFileChooser((mac, arch, ipxe) -> new BootFile("10.77.1.2", "ipxe.efi")).build();
        DhcpResponder r = new DhcpResponder(s, null, null).withoutPxeVendorOptions();
        DhcpMessage offer = wire(r.respond(Fixtures.message("ovmf-pxe-discover.bin")));
        assertFalse(offer.hasOption(DhcpOption.VENDOR_SPECIFIC));
        assertEquals(SERVER, offer.siaddr(), "EDK2 sends its 4011 REQUEST to siaddr");
        DhcpMessage req = client("52:54:00:12:34:57", DhcpOption.REQUEST).ciaddr(parse("10.77.1.60"))
                .option(DhcpOption.VENDOR_CLASS, "PXEClient:Arch:00007:UNDI:003000").option(DhcpOption.CLIENT_ARCH, new byte[] {0, 7}).build();
        Optional<DhcpResponder.Reply> ack = r.respond(req, 4011, parse("10.77.1.60"), 4011);
        assertEquals(4011, ack.get().port());
        assertEquals(parse("10.77.1.2"), wire(ack).siaddr(), "the real next-server comes in the 4011 ACK");
    }
}
