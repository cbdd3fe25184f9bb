package io.labctl.bastion.dhcp;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DhcpMessageTest {

    @Test
    void parsesBusyboxUdhcpcDiscover() {
        DhcpMessage m = Fixtures.message("udhcpc-discover.bin");
        assertEquals(DhcpMessage.BOOTREQUEST, m.op());
        assertEquals(DhcpOption.DISCOVER, m.messageType());
        assertEquals(0x0bbcc724, m.xid());
        assertEquals("52:54:00:ab:cd:ef", m.clientMac());
        assertEquals("10.77.1.42", m.requestedIp().getHostAddress());
        assertEquals("node7", m.hostname());
        assertEquals("udhcp 1.35.0", m.vendorClass());
        assertEquals(List.of(1, 3, 6, 12, 15, 28, 42), m.parameterRequestList());
        assertEquals(-1, m.clientArch());
        assertFalse(m.isIpxe());
        assertFalse(m.isPxeClient());
        assertNull(m.serverId());
        assertEquals("0.0.0.0", m.ciaddr().getHostAddress());
    }

    @Test
    void parsesIpxeBiosDiscover() {
        DhcpMessage m = Fixtures.message("ipxe-bios-discover.bin");
        assertEquals(DhcpOption.DISCOVER, m.messageType());
        assertEquals(0x3c198a31, m.xid());
        assertEquals("52:54:00:12:34:56", m.clientMac());
        assertEquals(0, m.clientArch());
        assertTrue(m.isIpxe());
        assertTrue(m.hasOption(DhcpOption.IPXE_ENCAP));
        assertEquals("iPXE", m.userClass());
        assertEquals("PXEClient:Arch:00000:UNDI:002001", m.vendorClass());
        assertTrue(m.isPxeClient());
        assertTrue(m.parameterRequestList().containsAll(List.of(1, 3, 6, 43, 60, 66, 67, 175)));
        assertEquals(17, m.option(DhcpOption.CLIENT_UUID).length);
    }

    @Test
    void parsesIpxeEfiAndFirmwarePxeDiscovers() {
        DhcpMessage ipxe = Fixtures.message("ipxe-efi-discover.bin");
        assertEquals(0x4e650507, ipxe.xid());
        assertEquals("52:54:00:12:34:57", ipxe.clientMac());
        assertEquals(7, ipxe.clientArch());
        assertTrue(ipxe.isIpxe());

        DhcpMessage ovmf = Fixtures.message("ovmf-pxe-discover.bin");
        assertEquals(0x35e8689f, ovmf.xid());
        assertEquals("52:54:00:12:34:57", ovmf.clientMac());
        assertEquals(7, ovmf.clientArch());
        assertFalse(ovmf.isIpxe());
        assertEquals("PXEClient:Arch:00007:UNDI:003001", ovmf.vendorClass());
        assertEquals(35, ovmf.parameterRequestList().size());
    }

    @Test
    void encodeThenParseRoundTrips() throws Exception {
        DhcpMessage req = Fixtures.message("ipxe-bios-discover.bin");
        DhcpMessage reply = DhcpMessage.replyTo(req)
                .yiaddr(Ipv4.parse("10.0.0.5")).siaddr(Ipv4.parse("10.0.0.1"))
                .file("undionly.kpxe").messageType(DhcpOption.OFFER)
                .option(DhcpOption.SERVER_ID, Ipv4.parse("10.0.0.1"))
                .option(DhcpOption.VENDOR_CLASS, "PXEClient")
                .option(200, new byte[300]) // longer than 255: must be split and re-joined
                .build();
        byte[] wire = reply.encode();
        assertTrue(wire.length >= 300);
        DhcpMessage back = DhcpMessage.parse(wire, wire.length);
        assertEquals(DhcpMessage.BOOTREPLY, back.op());
        assertEquals(req.xid(), back.xid());
        assertEquals("52:54:00:12:34:56", back.clientMac());
        assertEquals(DhcpOption.OFFER, back.messageType());
        assertEquals("10.0.0.5", back.yiaddr().getHostAddress());
        assertEquals("10.0.0.1", back.siaddr().getHostAddress());
        assertEquals("10.0.0.1", back.serverId().getHostAddress());
        assertEquals("undionly.kpxe", back.file());
        assertEquals("PXEClient", back.vendorClass());
        assertEquals(300, back.option(200).length);
        // message type is encoded first
        assertEquals(DhcpOption.MESSAGE_TYPE, wire[240] & 0xFF);
    }

    @Test
    void broadcastFlag() throws Exception {
        byte[] wire = DhcpMessage.builder().flags(0x8000).clientMac("52:54:00:00:00:01").messageType(1).build().encode();
        assertTrue(DhcpMessage.parse(wire, wire.length).broadcastFlag());
    }

    @Test
    void overloadedOptionsAreReadWithoutCrashing() throws Exception {
        byte[] wire = DhcpMessage.builder().clientMac("52:54:00:00:00:02").messageType(1)
                .option(DhcpOption.OVERLOAD, new byte[] {3}).build().encode();
        // put a hostname option into the file field and one into sname
        byte[] file = {12, 3, 'a', 'b', 'c', (byte) 255};
        System.arraycopy(file, 0, wire, 108, file.length);
        byte[] sname = {60, 2, 'x', 'y', (byte) 255};
        System.arraycopy(sname, 0, wire, 44, sname.length);
        DhcpMessage m = DhcpMessage.parse(wire, wire.length);
        assertEquals("abc", m.hostname());
        assertEquals("xy", m.vendorClass());
        assertEquals("", m.file());
    }

    // ------------------------------------------------------------ malformed input

    private static String rejects(byte[] b, int len) {
        DhcpFormatException e = assertThrows(DhcpFormatException.class, () -> DhcpMessage.parse(b, len));
        assertNotNull(e.getMessage());
        return e.getMessage();
    }

    @Test
    void rejectsTruncatedHeader() {
        byte[] b = Fixtures.bytes("udhcpc-discover.bin");
        assertTrue(rejects(b, 100).contains("truncated"));
        assertTrue(rejects(b, 239).contains("truncated"));
        assertTrue(rejects(new byte[0], 0).contains("truncated"));
        assertTrue(rejects(b, b.length + 1).contains("outside buffer"));
        assertThrows(DhcpFormatException.class, () -> DhcpMessage.parse(null, 0));
    }

    @Test
    void rejectsBadOpAndHlen() {
        byte[] b = Fixtures.bytes("udhcpc-discover.bin");
        byte[] op = b.clone();
        op[0] = 3;
        assertTrue(rejects(op, op.length).contains("bad op 3"));
        byte[] hlen = b.clone();
        hlen[2] = 17;
        assertTrue(rejects(hlen, hlen.length).contains("bad hlen 17"));
    }

    @Test
    void rejectsMissingCookie() {
        byte[] b = Fixtures.bytes("udhcpc-discover.bin");
        b[236] = 0x12;
        assertTrue(rejects(b, b.length).contains("magic cookie"));
    }

    @Test
    void rejectsOptionRunningPastTheEnd() {
        byte[] b = Fixtures.bytes("udhcpc-discover.bin");
        // truncate in the middle of the parameter request list
        assertTrue(rejects(b, 255).contains("runs past the end"), rejects(b, 255));
        // a lone code byte with no length
        byte[] c = Arrays.copyOf(b, 242);
        c[240] = 53;
        c[241] = 1;
        assertTrue(rejects(c, 242).contains("runs past the end"));
        byte[] d = Arrays.copyOf(b, 241);
        d[240] = 53;
        assertTrue(rejects(d, 241).contains("no length byte"));
    }

    @Test
    void rejectsMissingEnd() {
        byte[] b = Fixtures.bytes("udhcpc-discover.bin");
        int end = b.length - 1;
        while ((b[end] & 0xFF) != 255) {
            end--;
        }
        assertTrue(rejects(b, end).contains("no END"));
        byte[] padded = b.clone();
        padded[end] = 0; // END replaced by padding
        Arrays.fill(padded, end, padded.length, (byte) 0);
        assertTrue(rejects(padded, padded.length).contains("no END"));
    }

    @Test
    void hostileBytesOnlyEverGiveDhcpFormatException() {
        Random rnd = new Random(20261126L);
        byte[] valid = Fixtures.bytes("ipxe-bios-discover.bin");
        for (int i = 0; i < 20000; i++) {
            byte[] b;
            if (i % 2 == 0) {
                b = new byte[rnd.nextInt(600)];
                rnd.nextBytes(b);
                if (b.length > 240 && rnd.nextBoolean()) { // get past the early checks now and then
                    b[0] = 1;
                    b[2] = 6;
                    b[236] = 0x63; b[237] = (byte) 0x82; b[238] = 0x53; b[239] = 0x63;
                }
            } else { // mutate a real message: flips plus random truncation
                b = valid.clone();
                for (int k = rnd.nextInt(8); k >= 0; k--) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                }
                b = Arrays.copyOf(b, rnd.nextInt(b.length + 1));
            }
            try {
                DhcpMessage m = DhcpMessage.parse(b, b.length);
                // accessors must not throw on whatever got through
                m.toString();
                m.parameterRequestList();
                m.requestedIp();
                m.serverId();
                m.hostname();
                m.userClass();
                m.encode();
            } catch (DhcpFormatException expected) {
                // fine
            } catch (RuntimeException e) {
                fail("input " + i + " (" + b.length + " bytes) threw " + e, e);
            }
        }
    }
}
