package io.labctl.shell.command;

import io.labctl.protocol.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Plain-text tables and times as the lab: commands print them (no colours: output is also read by scripts). */
final class Table {
    static final String NONE = "-";
    static final String NEVER = "never";
    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
        rows.add(header);
    }

    Table row(Object... cells) {
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            String s = cells[i] == null ? "" : cells[i].toString();
            r[i] = s.isEmpty() ? NONE : s;
        }
        rows.add(r);
        return this;
    }

    boolean isEmpty() {
        return rows.size() == 1;
    }

    String render() {
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        for (String[] r : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(r[i]);
                if (i < columns - 1) {
                    line.append(" ".repeat(width[i] - r[i].length() + 2));
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    /** "5m ago", or "never". */
    static String ago(Instant then, Instant now) {
        return then == null ? NEVER : Durations.brief(Duration.between(then, now)) + " ago";
    }

    /** "in 3h" or "5m ago", or "never". */
    static String relative(Instant t, Instant now) {
        if (t == null) {
            return NEVER;
        }
        return t.isAfter(now) ? "in " + Durations.brief(Duration.between(now, t)) : ago(t, now);
    }

    /** UTC ISO-8601 to the second. */
    static String stamp(Instant t) {
        return t == null ? NEVER : DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    static String list(Collection<String> items) {
        return items == null || items.isEmpty() ? NONE : String.join(",", items);
    }
}
