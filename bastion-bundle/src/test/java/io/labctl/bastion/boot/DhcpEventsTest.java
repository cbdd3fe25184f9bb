package io.labctl.bastion.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.labctl.bastion.dhcp.BootFileChooser;
import io.labctl.bastion.dhcp.DhcpMessage;
import io.labctl.bastion.dhcp.DhcpOption;
import io.labctl.bastion.dhcp.DhcpResponder;
import io.labctl.bastion.dhcp.DhcpSettings;
import io.labctl.bastion.dhcp.Ipv4;
import io.labctl.bastion.dhcp.LeaseTable;
import io.labctl.protocol.provision.BastionEvent;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** DHCP in the bastion's events: a booting machine's request and answer, its lease telling its address. */
class DhcpEventsTest {
    static final Inet4Address SERVER = Ipv4.parse("10.77.1.1");

    @Test
    void aPxeClientsExchangeIsOneEventEachAndTheLeaseNamesItsAddress() throws Exception {
        BootEvents events = new BootEvents(Clock.systemUTC(), 100, a -> null);
        DhcpSettings s = DhcpSettings.full("eth1", SERVER).pool(Ipv4.parse("10.77.1.100"), Ipv4.parse("10.77.1.110"),
                        Ipv4.parse("255.255.255.0")).leaseTime(Duration.ofMinutes(10))
                .bootFileChooser(BootFileChooser.defaults(SERVER, 8080)).build();
        DhcpResponder r = new DhcpResponder(s, LeaseTable.forSettings(s, Clock.systemUTC()),
                new Bastion.DhcpLog(null, events));
        DhcpMessage discover = fixture("ovmf-pxe-discover.bin");
        r.respond(discover);
        r.respond(DhcpMessage.builder().clientMac(discover.clientMac()).xid(7).messageType(DhcpOption.REQUEST)
                .option(DhcpOption.REQUESTED_IP, Ipv4.parse("10.77.1.100")).option(DhcpOption.SERVER_ID, SERVER)
                .build());
        // a client that is not booting over the network, in full mode: it got an address, so it is told
        r.respond(DhcpMessage.builder().clientMac("52:54:00:00:00:99").xid(8).messageType(DhcpOption.DISCOVER).build());
        List<BastionEvent> got = events.take().events();
        assertEquals(3, got.size(), got.toString());
        assertEquals(discover.clientMac(), got.get(0).mac());
        assertEquals("dhcp", got.get(0).kind());
        assertEquals("DISCOVER (PXE, arch 7) -> OFFER 10.77.1.100, boot file ipxe.efi", got.get(0).detail());
        assertEquals("REQUEST (no PXE) -> ACK 10.77.1.100", got.get(1).detail());
        assertEquals("DISCOVER (no PXE) -> OFFER 10.77.1.101", got.get(2).detail());
        // TFTP from the leased address is now this machine's
        events.addFrom(InetAddress.getByName("10.77.1.100"), BastionEvent.TFTP, "sent ipxe.efi");
        assertEquals(discover.clientMac(), events.take().events().get(0).mac());
    }

    @Test
    void aProxyStaysSilentForOtherClientsAndSoDoesTheLog() throws Exception {
        BootEvents events = new BootEvents(Clock.systemUTC(), 100, a -> null);
        DhcpSettings s = DhcpSettings.proxy("eth1", SERVER).bootFileChooser(BootFileChooser.defaults(SERVER, 8080)).build();
        DhcpResponder r = new DhcpResponder(s, null, new Bastion.DhcpLog(null, events));
        r.respond(DhcpMessage.builder().clientMac("52:54:00:00:00:99").xid(8).messageType(DhcpOption.DISCOVER).build());
        assertNull(events.take(), "a phone asking the network's DHCP server is none of the bastion's business");
        r.respond(fixture("ipxe-bios-discover.bin"));
        assertEquals("DISCOVER (iPXE, arch 0) -> OFFER, boot file http://10.77.1.1:8080/boot.ipxe",
                events.take().events().get(0).detail());
    }

    static DhcpMessage fixture(String name) throws Exception {
        try (InputStream in = DhcpEventsTest.class.getResourceAsStream("/fixtures/dhcp/" + name)) {
            byte[] b = in.readAllBytes();
            return DhcpMessage.parse(b, b.length);
        }
    }
}
