package io.labctl.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class SinceTest {
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    @Test
    void durationsCountBackFromNow() {
        assertEquals(Instant.parse("2026-11-26T11:00:00Z"), Since.parse("1h", NOW));
        assertEquals(Instant.parse("2026-11-26T11:30:00Z"), Since.parse("30m ago", NOW));
    }

    @Test
    void isoForms() {
        assertEquals(Instant.parse("2026-11-26T03:00:00Z"), Since.parse("2026-11-26T03:00:00Z", NOW));
        assertEquals(Instant.parse("2026-11-26T02:00:00Z"), Since.parse("2026-11-26T03:00:00+01:00", NOW));
        assertEquals(Instant.parse("2026-11-26T03:00:00Z"), Since.parse("2026-11-26 03:00", NOW));
        assertEquals(Instant.parse("2026-11-25T00:00:00Z"), Since.parse("2026-11-25", NOW));
    }

    @Test
    void nonsenseIsRefusedWithTheAcceptedForms() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Since.parse("yesterday", NOW));
        assertEquals(true, e.getMessage().contains("1h ago"));
        assertThrows(IllegalArgumentException.class, () -> Since.parse("2026-13-45", NOW));
    }
}
