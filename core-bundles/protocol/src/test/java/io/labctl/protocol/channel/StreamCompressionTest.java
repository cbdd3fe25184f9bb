package io.labctl.protocol.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

class StreamCompressionTest {
    private final List<byte[]> payloads = new ArrayList<>();
    private final StreamCompressor compressor = new StreamCompressor((b, off, len) -> {
        byte[] copy = new byte[len];
        System.arraycopy(b, off, copy, 0, len);
        payloads.add(copy);
    });

    @Test
    void logTextComesBackByteForByteInFullSizedPayloadsAndMuchSmaller() throws Exception {
        byte[] log = logLines(200_000);  // about 10 MB
        for (int off = 0; off < log.length; off += 65536) {
            compressor.write(log, off, Math.min(65536, log.length - off));
        }
        compressor.flush();
        assertArrayEquals(log, decode(payloads));
        long sent = payloads.stream().mapToLong(p -> p.length).sum();
        assertEquals(sent, compressor.bytesOut());
        assertEquals(log.length, compressor.bytesIn());
        assertTrue(sent * 4 < log.length, sent + " compressed bytes for " + log.length);
        // every payload but the last is full: few frames for a large burst
        for (int i = 0; i < payloads.size() - 1; i++) {
            assertEquals(Frame.MAX_PAYLOAD, payloads.get(i).length);
        }
        assertTrue(payloads.get(payloads.size() - 1).length <= Frame.MAX_PAYLOAD);
    }

    @Test
    void aFlushMakesEverythingWrittenSoFarDecodableAndAnIdleFlushSendsNothing() throws Exception {
        StreamDecompressor decompressor = new StreamDecompressor();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < 50; i++) {
            byte[] line = ("line " + i + "\n").getBytes(StandardCharsets.UTF_8);
            compressor.write(line, 0, line.length);
            compressor.flush();
            assertEquals(i + 1, payloads.size(), "one payload per flushed line");
            decompressor.decode(payloads.get(i), out::write);
            assertTrue(out.toString(StandardCharsets.UTF_8).endsWith("line " + i + "\n"), "line " + i + " decodable");
        }
        compressor.flush();
        assertEquals(50, payloads.size(), "a flush with nothing new sends nothing");
    }

    @Test
    void incompressibleBytesStillFitTheFrameLimit() throws Exception {
        byte[] random = new byte[3 * 1024 * 1024];
        new Random(7).nextBytes(random);
        compressor.write(random, 0, random.length);
        compressor.flush();
        assertArrayEquals(random, decode(payloads));
        assertTrue(payloads.stream().allMatch(p -> p.length <= Frame.MAX_PAYLOAD));
    }

    @Test
    void aPayloadThatInflatesAThousandfoldIsHandedOnInBoundedPieces() throws Exception {
        byte[] zeros = new byte[32 * 1024 * 1024];
        compressor.write(zeros, 0, zeros.length);
        compressor.flush();
        long wire = payloads.stream().mapToLong(p -> p.length).sum();
        assertTrue(wire * 200 < zeros.length, wire + " bytes on the wire for 32 MiB of zeros");
        long[] total = {0};
        int[] largest = {0};
        try (StreamDecompressor d = new StreamDecompressor()) {
            for (byte[] p : payloads) {
                d.decode(p, (b, off, len) -> {
                    total[0] += len;
                    largest[0] = Math.max(largest[0], len);
                });
            }
        }
        assertEquals(zeros.length, total[0]);
        assertTrue(largest[0] <= StreamDecompressor.PIECE, "piece of " + largest[0]);
    }

    @Test
    void bytesThatAreNotDeflateAreAProtocolError() {
        byte[] garbage = "this is not deflate at all, just text".getBytes(StandardCharsets.UTF_8);
        garbage[0] = (byte) 0xff;  // block type 3: reserved, invalid
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> new StreamDecompressor().decode(garbage, (b, off, len) -> { }));
        assertTrue(e.getMessage().startsWith("DEFLATED data does not decode"), e.getMessage());
    }

    @Test
    void streamsBackToBackDecodeAsOneWhetherTheySharePayloadsOrNot() throws Exception {
        // a handover: the old sender ends its DEFLATE stream, the new one starts its own
        byte[] first = logLines(3_000);
        byte[] second = "after the handover\n".getBytes(StandardCharsets.UTF_8);
        compressor.write(first, 0, first.length);
        compressor.finish();
        int ofFirst = payloads.size();
        try (StreamCompressor next = new StreamCompressor((b, off, len) -> payloads.add(java.util.Arrays.copyOfRange(b, off, off + len)))) {
            next.write(second, 0, second.length);
            next.flush();
        }
        byte[] whole = concat(first, second);
        assertArrayEquals(whole, decode(payloads), "one payload per frame, as they travel");
        // the end of one and the start of the next in a single payload decode too
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        payloads.forEach(joined::writeBytes);
        assertArrayEquals(whole, decode(List.of(joined.toByteArray())));
        assertTrue(ofFirst > 0 && ofFirst < payloads.size());
    }

    @Test
    void finishingAStreamThatTookNothingSendsNothing() throws Exception {
        compressor.finish();
        assertTrue(payloads.isEmpty());
    }

    @Test
    void garbageAfterTheEndOfADeflateStreamIsStillAProtocolError() {
        Deflater finished = new Deflater(1, true);
        finished.setInput("done".getBytes(StandardCharsets.UTF_8));
        finished.finish();
        byte[] buffer = new byte[64];
        int n = finished.deflate(buffer);
        buffer[n] = (byte) 0xff;  // block type 3 right after the final block: reserved, invalid
        byte[] payload = java.util.Arrays.copyOf(buffer, n + 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> new StreamDecompressor().decode(payload, out::write));
        assertTrue(e.getMessage().startsWith("DEFLATED data does not decode"), e.getMessage());
        assertEquals("done", out.toString(StandardCharsets.UTF_8), "the stream before it decoded");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static byte[] decode(List<byte[]> payloads) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (StreamDecompressor d = new StreamDecompressor()) {
            for (byte[] p : payloads) {
                d.decode(p, out::write);
            }
        }
        return out.toByteArray();
    }

    static byte[] logLines(int n) {
        StringBuilder b = new StringBuilder();
        Random r = new Random(1);
        for (int i = 0; i < n; i++) {
            b.append(1_764_000_000_000_000_000L + i * 1_337L).append(' ').append(i)
                    .append(" INFO  web.access: GET /api/v1/items/").append(r.nextInt(1000))
                    .append(" status=200 bytes=").append(r.nextInt(100_000)).append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
