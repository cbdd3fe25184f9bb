package io.labctl.protocol.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The one table printer: widths, the front end's style, and nothing from the data that drives a terminal. */
class TextTableTest {
    @Test
    void columnsArePaddedToTheWidestCellWithTheStylesGapAndNoTrailingSpaces() {
        TextTable t = new TextTable(2, "-", List.of("NAME", "ENV", "NOTE"));
        t.row("web-1", "lab", null).row("db", "", "x");
        assertEquals("""
                NAME   ENV  NOTE
                web-1  lab  -
                db     -    x
                """, t.render());
    }

    @Test
    void anotherStyleChangesOnlyGapAndEmptyCell() {
        assertEquals("A   B\nx   <none>\n", new TextTable(3, "<none>", List.of("A", "B")).row("x", "").render());
    }

    @Test
    void controlCharactersShowAsQuestionMarks() {
        String out = new TextTable(2, "-", List.of("MSG")).row("\u001b[31mred\r\n").render();
        assertEquals("MSG\n?[31mred??\n", out);
    }

    @Test
    void aRowOfTheWrongWidthIsRefused() {
        TextTable t = new TextTable(2, "-", List.of("A", "B"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.row("only one"));
        assertTrue(e.getMessage().contains("1 cells, header 2"), e.getMessage());
    }

    @Test
    void anEmptyTableIsItsHeader() {
        TextTable t = new TextTable(2, "-", List.of("A", "B"));
        assertTrue(t.isEmpty());
        assertEquals("A  B\n", t.render());
    }
}
