package io.labctl.bastion.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.protocol.provision.BastionEvent;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bastion's event buffer: bounded, honest about what it dropped, and able to tell which machine an address is. */
class BootEventsTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T20:00:00Z"), ZoneOffset.UTC);

    @Test
    void theBufferKeepsTheNewestAndCountsWhatItDropped() {
        BootEvents events = new BootEvents(CLOCK, 3, a -> null);
        for (int i = 0; i < 5; i++) {
            events.add("52:54:00:00:00:0" + i, BastionEvent.TFTP, "event " + i);
        }
        BastionEvent.Batch batch = events.take();
        assertEquals(List.of("event 2", "event 3", "event 4"), batch.events().stream().map(BastionEvent::detail).toList());
        assertEquals(2, batch.dropped());
        assertNull(events.take(), "nothing left, and the drop count was reported once");
    }

    @Test
    void aBatchLabdCouldNotTakeGoesBackInFrontAndTheOverflowIsCounted() {
        BootEvents events = new BootEvents(CLOCK, 4, a -> null);
        events.add(null, BastionEvent.HTTP, "a");
        events.add(null, BastionEvent.HTTP, "b");
        events.add(null, BastionEvent.HTTP, "c");
        List<BastionEvent.Batch> sent = new ArrayList<>();
        assertFalse(events.reportOnce(b -> {
            throw new ProvisioningLink.LinkException("labd is unreachable", true, null);
        }));
        events.add(null, BastionEvent.HTTP, "d");
        events.add(null, BastionEvent.HTTP, "e");  // the buffer is full: "a" goes
        assertTrue(events.reportOnce(sent::add));
        assertEquals(List.of("b", "c", "d", "e"), sent.get(0).events().stream().map(BastionEvent::detail).toList());
        assertEquals(1, sent.get(0).dropped());

        // a refusal is not retried: the same batch would be refused again
        events.add(null, BastionEvent.HTTP, "f");
        assertFalse(events.reportOnce(b -> {
            throw new ProvisioningLink.LinkException("labd answered 400: bad batch", false, null);
        }));
        assertNull(events.take());
    }

    @Test
    void oneReportCarriesAtMostABatch() {
        BootEvents events = new BootEvents(CLOCK, 2000, a -> null);
        for (int i = 0; i < BastionEvent.MAX_BATCH + 10; i++) {
            events.add(null, BastionEvent.DHCP, "x");
        }
        assertEquals(BastionEvent.MAX_BATCH, events.take().events().size());
        assertEquals(10, events.take().events().size());
    }

    @Test
    void detailsAreOneBoundedLineAndMacsTakeTheStoredForm() {
        BootEvents events = new BootEvents(CLOCK, 10, a -> null);
        events.add("52-54-00-AB-CD-EF", BastionEvent.HTTP, "GET /x\r\nInjected: yes" + "y".repeat(1000));
        events.add("01:02:03", BastionEvent.DHCP, "DISCOVER");  // not an Ethernet address: kept in the line only
        List<BastionEvent> got = events.take().events();
        assertEquals("52:54:00:ab:cd:ef", got.get(0).mac());
        assertEquals(BastionEvent.MAX_DETAIL, got.get(0).detail().length());
        assertTrue(got.get(0).detail().startsWith("GET /x??Injected: yes"), got.get(0).detail());
        assertNull(got.get(1).mac());
        assertEquals("(hardware address 01:02:03) DISCOVER", got.get(1).detail());
        assertEquals(Instant.parse("2026-12-07T20:00:00Z"), got.get(1).at());
    }

    @Test
    void anAddressIsTiedToAMachineByWhatItShowedThenByTheArpTable() throws Exception {
        InetAddress leased = InetAddress.getByName("10.77.19.100");
        InetAddress other = InetAddress.getByName("10.77.19.2");
        InetAddress routed = InetAddress.getByName("10.78.0.7");
        Map<InetAddress, String> arp = Map.of(other, "52:54:00:77:09:05", leased, "52:54:00:77:09:99");
        BootEvents events = new BootEvents(CLOCK, 10, arp::get);
        events.leased(leased, "52:54:00:77:09:01");
        events.claimed(other, "52:54:00:77:09:02");  // a client's word loses to what was on the wire
        events.claimed(routed, "52:54:00:77:09:03");  // behind a router the kernel has no entry: its word is all there is
        events.addFrom(leased, BastionEvent.TFTP, "sent undionly.kpxe");
        events.addFrom(other, BastionEvent.TFTP, "sent undionly.kpxe");
        events.addFrom(routed, BastionEvent.TFTP, "sent undionly.kpxe");
        events.addFrom(InetAddress.getByName("10.77.19.3"), BastionEvent.HTTP, "GET /boot.ipxe");
        List<BastionEvent> got = events.take().events();
        assertEquals("52:54:00:77:09:01", got.get(0).mac(), "this bastion's own lease first");
        assertEquals("52:54:00:77:09:05", got.get(1).mac());
        assertEquals("52:54:00:77:09:03", got.get(2).mac());
        assertNull(got.get(3).mac(), "an address nobody showed stays unknown");
    }

    @Test
    void theKernelsArpTableCountsOnlyCompleteEntries() {
        List<String> table = List.of(
                "IP address       HW type     Flags       HW address            Mask     Device",
                "10.77.19.2       0x1         0x2         52:54:00:77:09:05     *        lbs1",
                "10.77.19.3       0x1         0x0         00:00:00:00:00:00     *        lbs1",
                "10.77.19.4       0x1         0x2         52:54:00:AA:BB:CC     *        lbs1");
        assertEquals("52:54:00:77:09:05", BootEvents.arpEntry(table, "10.77.19.2"));
        assertNull(BootEvents.arpEntry(table, "10.77.19.3"), "an incomplete entry");
        assertEquals("52:54:00:aa:bb:cc", BootEvents.arpEntry(table, "10.77.19.4"));
        assertNull(BootEvents.arpEntry(table, "10.77.19.22"), "no prefix matches");
    }
}
