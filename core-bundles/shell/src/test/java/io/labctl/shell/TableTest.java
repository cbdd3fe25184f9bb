package io.labctl.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shell's table style on the shared printer, and its way of writing times and lists. */
class TableTest {
    @Test
    void columnsTwoSpacesApartEmptyCellsADashAndNoEscapeSequences() {
        String out = new Table("NAME", "NOTE", "ROLE").row("web-1", "\u001b[2Jgone", null).render();
        assertEquals("NAME   NOTE      ROLE\nweb-1  ?[2Jgone  -\n", out);
    }

    @Test
    void timesAndLists() {
        Instant now = Instant.parse("2026-11-26T12:00:00Z");
        assertEquals("5m ago", Table.ago(now.minusSeconds(300), now));
        assertEquals("in 2h", Table.relative(now.plusSeconds(7200), now));
        assertEquals("never", Table.relative(null, now));
        assertEquals("2026-11-26T12:00:00Z", Table.stamp(now.plusMillis(400)));
        assertEquals("a,b", Table.list(List.of("a", "b")));
        assertEquals("-", Table.list(List.of()));
    }
}
