package io.labctl.protocol.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain table: the header as given, each column padded to its widest cell, no colours (scripts read it too).
 * Front ends differ only in style (the gap between columns, what an empty cell shows), so each sets its style once
 * and prints every table the same way. Control characters from labd's data never reach a terminal.
 */
public class TextTable {
    private final int gap;
    private final String emptyCell;
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    /** gap: spaces between columns; emptyCell: what a null or empty cell shows. */
    public TextTable(int gap, String emptyCell, List<String> header) {
        if (gap < 1) {
            throw new IllegalArgumentException("columns need a gap of at least one space, not " + gap);
        }
        this.gap = gap;
        this.emptyCell = emptyCell;
        this.header = List.copyOf(header);
    }

    /** A row of as many cells as the header has; a cell shows as its toString(). */
    public TextTable row(List<?> cells) {
        if (cells.size() != header.size()) {
            throw new IllegalArgumentException("row has " + cells.size() + " cells, header " + header.size());
        }
        rows.add(cells.stream().map(this::cell).toList());
        return this;
    }

    public TextTable row(Object... cells) {
        return row(Arrays.asList(cells));
    }

    /** True while it has no row under its header. */
    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** Header and rows, each line ending in a newline, without trailing spaces. */
    public String render() {
        int[] width = new int[header.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = header.get(i).length();
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, header, width);
        for (List<String> r : rows) {
            line(out, r, width);
        }
        return out.toString();
    }

    private void line(StringBuilder out, List<String> cells, int[] width) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            l.append(cells.get(i));
            if (i < cells.size() - 1) {
                l.append(" ".repeat(width[i] - cells.get(i).length() + gap));
            }
        }
        out.append(l.toString().stripTrailing()).append('\n');
    }

    private String cell(Object value) {
        String s = value == null ? "" : value.toString();
        return s.isEmpty() ? emptyCell : clean(s);
    }

    /** Control characters (escape sequences, carriage returns) shown as '?', so data cannot drive the terminal. */
    public static String clean(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(Character.isISOControl(c) ? '?' : c);
        }
        return sb.toString();
    }
}
