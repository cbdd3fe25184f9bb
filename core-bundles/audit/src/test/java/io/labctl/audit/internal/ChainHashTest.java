package io.labctl.audit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ChainHashTest {

    private static AuditRow row() {
        AuditRow r = new AuditRow();
        r.instance = "labd-1";
        r.seq = 1;
        r.at = Instant.parse("2026-11-26T03:00:00.123456Z");
        r.username = "alice";
        r.sessionId = "s1";
        r.source = "10.0.0.7";
        r.action = "server.delete";
        r.resource = "servers/web1";
        r.result = "ok";
        r.durationMs = 12L;
        return r;
    }

    @Test
    void theEncodingIsTheDocumentedOne() throws Exception {
        String text = "15:labctl-audit-v1,0:,6:labd-1,1:1,16:1795662000123456,5:alice,2:s1,8:10.0.0.7,"
                + "13:server.delete,12:servers/web1,2:ok,2:12,-,";
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, ChainHash.of("", row()));
        assertTrue(expected.matches("[0-9a-f]{64}"));
    }

    @Test
    void aDetailAndTheMarkOfItsCutArePartOfTheHash() throws Exception {
        AuditRow withDetail = row();
        withDetail.detail = "[\"sh\"]";
        String text = "15:labctl-audit-v1,0:,6:labd-1,1:1,16:1795662000123456,5:alice,2:s1,8:10.0.0.7,"
                + "13:server.delete,12:servers/web1,2:ok,2:12,-,6:[\"sh\"],-,";
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8))), ChainHash.of("", withDetail));
        AuditRow cut = row();
        cut.detail = withDetail.detail;
        cut.detailSha256 = "00";
        assertNotEquals(ChainHash.of("", withDetail), ChainHash.of("", cut), "dropping the cut mark breaks the chain");
        assertNotEquals(ChainHash.of("", row()), ChainHash.of("", withDetail), "dropping the detail breaks the chain");
    }

    @Test
    void aDetailOverTheLimitKeepsItsFirstBytesOnACharacterBoundaryAndTheHashOfTheWhole() {
        String whole = "a".repeat(9) + "\u00e9" + "b".repeat(10);
        Detail d = Detail.of(whole, 10);
        assertEquals("a".repeat(9), d.text(), "a two-byte character that would cross the limit is left out whole");
        assertEquals(ChainHash.sha256Hex(whole), d.sha256OfWhole());
        Detail fits = Detail.of("short", 10);
        assertEquals("short", fits.text());
        assertEquals(null, fits.sha256OfWhole(), "only a cut detail carries the hash");
        assertEquals(null, Detail.of(null, 10));
    }

    @Test
    void nullEmptyAndShiftedFieldsAllHashDifferently() {
        String base = ChainHash.of("", row());
        AuditRow empty = row();
        empty.error = "";
        assertNotEquals(base, ChainHash.of("", empty));
        AuditRow shifted = row();
        shifted.username = "alices";
        shifted.sessionId = "1";
        assertNotEquals(base, ChainHash.of("", shifted));
        AuditRow later = row();
        later.at = later.at.plusNanos(1000);
        assertNotEquals(base, ChainHash.of("", later));
        assertNotEquals(base, ChainHash.of("00", row()));
        assertEquals(base, ChainHash.of(null, row()));
    }

    @Test
    void textIsMadeStorableAndClippedOnCharacterBoundaries() {
        String plain = "plain text";
        assertSame(plain, ChainWriter.storable(plain));
        assertEquals("a\uFFFDb", ChainWriter.storable("a\u0000b"));
        assertEquals("a\uFFFDb", ChainWriter.storable("a\uD800b"));
        assertEquals("\uFFFD", ChainWriter.storable("\uDC00"));
        assertEquals("x\uD83D\uDE80", ChainWriter.storable("x\uD83D\uDE80"));
        assertEquals("ab", ChainWriter.clip("ab\uD83D\uDE80", 3));
        assertEquals("ab\uD83D\uDE80", ChainWriter.clip("ab\uD83D\uDE80c", 4));
        assertEquals(null, ChainWriter.clip(null, 3));
    }
}
