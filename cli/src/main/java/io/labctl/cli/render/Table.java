package io.labctl.cli.render;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A kubectl-style plain table: upper-case header, columns padded to their widest cell, three spaces apart. */
public final class Table {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(String... header) {
        this.header = Arrays.asList(header);
    }

    public Table(List<String> header) {
        this.header = List.copyOf(header);
    }

    public Table row(String... cells) {
        return row(Arrays.asList(cells));
    }

    public Table row(List<String> cells) {
        if (cells.size() != header.size()) {
            throw new IllegalArgumentException("row has " + cells.size() + " cells, header " + header.size());
        }
        rows.add(cells.stream().map(c -> c == null || c.isEmpty() ? "<none>" : clean(c)).toList());
        return this;
    }

    public String render() {
        int[] width = new int[header.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = header.get(i).length();
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, width);
        for (List<String> r : rows) {
            line(sb, r, width);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] width) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            l.append(cells.get(i));
            if (i < cells.size() - 1) {
                l.append(" ".repeat(width[i] - cells.get(i).length() + 3));
            }
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }

    /** Control characters from the wire never reach the terminal. */
    static String clean(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(Character.isISOControl(c) ? '?' : c);
        }
        return sb.toString();
    }
}
