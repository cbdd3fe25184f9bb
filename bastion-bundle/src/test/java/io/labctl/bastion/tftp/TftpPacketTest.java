package io.labctl.bastion.tftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Codec tests, including RRQs captured from real clients (see fixtures/tftp/README.md). */
class TftpPacketTest {

    private static ByteBuffer fixture(String name) throws IOException {
        try (InputStream in = TftpPacketTest.class.getResourceAsStream("/fixtures/tftp/" + name)) {
            return ByteBuffer.wrap(in.readAllBytes());
        }
    }

    @Test
    void parsesCurlRequest() throws Exception {
        TftpRequest r = TftpPacket.parseRequest(fixture("curl-rrq-blksize1468.bin"));
        assertTrue(r.isRead());
        assertEquals("x", r.filename());
        assertEquals("octet", r.mode());
        assertEquals(Map.of("tsize", "0", "blksize", "1468", "timeout", "1"), r.options());
        assertEquals(List.of("tsize", "blksize", "timeout"), List.copyOf(r.options().keySet()), "request order kept");
    }

    @Test
    void parsesAtftpRequestWithWindowsize() throws Exception {
        TftpRequest r = TftpPacket.parseRequest(fixture("atftp-rrq-windowsize16-tsize-blksize1468.bin"));
        assertEquals("pxelinux.0", r.filename());
        assertEquals("octet", r.mode());
        assertEquals(Map.of("tsize", "0", "blksize", "1468", "windowsize", "16"), r.options());
    }

    @Test
    void optionNamesAndModeAreCaseInsensitiveAndFirstOccurrenceWins() throws Exception {
        ByteBuffer p = ByteBuffer.wrap("\0\1f\0OCTET\0BlkSize\0001024\0blksize\0002048\0".getBytes());
        TftpRequest r = TftpPacket.parseRequest(p);
        assertEquals("octet", r.mode());
        assertEquals(Map.of("blksize", "1024"), r.options());
    }

    @Test
    void toleratesNulPaddingAfterOptions() throws Exception {
        TftpRequest r = TftpPacket.parseRequest(ByteBuffer.wrap("\0\1f\0octet\0tsize\0000\0\0\0\0".getBytes()));
        assertEquals(Map.of("tsize", "0"), r.options());
    }

    @Test
    void rejectsMalformedRequests() {
        for (String bad : List.of("\0\1", "\0\1abc", "\0\1abc\0octet", "\0\1abc\0", "\0\1abc\0octet\0blksize\0",
                "\0\1abc\0\0", "\0\3abc\0octet\0")) {
            assertThrows(MalformedPacketException.class, () -> TftpPacket.parseRequest(ByteBuffer.wrap(bad.getBytes())),
                    () -> "should reject " + bad.replace("\0", "\\0"));
        }
        byte[] huge = new byte[TftpPacket.MAX_REQUEST_SIZE + 1];
        huge[1] = 1;
        assertThrows(MalformedPacketException.class, () -> TftpPacket.parseRequest(ByteBuffer.wrap(huge)));
    }

    @Test
    void encodesErrorAndOack() throws Exception {
        ByteBuffer e = TftpPacket.error(2, "nope");
        assertEquals(ByteBuffer.wrap(new byte[] {0, 5, 0, 2, 'n', 'o', 'p', 'e', 0}), e);
        ByteBuffer o = TftpPacket.oack(new java.util.LinkedHashMap<>(Map.of("blksize", "1468")));
        assertEquals(Map.of("blksize", "1468"), TftpPacket.parseOack(o));
        assertEquals("code 2 'nope'", TftpPacket.describeError(TftpPacket.error(2, "nope")));
    }

    @Test
    void opcodeOfShortPacketIsMinusOne() {
        assertEquals(-1, TftpPacket.opcode(ByteBuffer.wrap(new byte[] {1})));
        assertEquals(0x6363, TftpPacket.opcode(ByteBuffer.wrap(new byte[] {0x63, 0x63})));
    }
}
