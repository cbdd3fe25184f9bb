package io.labctl.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void parsesOperatorForms() {
        assertEquals(Duration.ofHours(1), Durations.parse("1h"));
        assertEquals(Duration.ofHours(1), Durations.parse("1h ago"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
        assertEquals(Duration.ofDays(14), Durations.parse("2w"));
        assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
    }

    @Test
    void rejectsGarbage() {
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("1x"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("h1"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("1h junk"));
    }

    /** Numbers past what a Duration holds are refused as input, never an arithmetic error out of the parser. */
    @Test
    void hugeNumbersAreRefusedAsInput() {
        for (String text : new String[] {"99999999999999999999s", "9223372036854775807d", "9223372036854775807w"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
            assertTrue(e.getMessage().contains("too long"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Since.parse("9999999999999d", java.time.Instant.now()));
    }
}
