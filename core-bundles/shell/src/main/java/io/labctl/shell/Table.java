package io.labctl.shell;

import io.labctl.protocol.Durations;
import io.labctl.protocol.text.TextTable;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Collection;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Tables and times as the lab: commands print them: the shared table printer in the shell's style (columns two
 * spaces apart, an empty cell shows {@code -}), plus the shell's way of writing times and lists.
 */
@ProviderType
public final class Table extends TextTable {
    public static final String NONE = "-";
    public static final String NEVER = "never";

    public Table(String... header) {
        super(2, NONE, Arrays.asList(header));
    }

    @Override
    public Table row(Object... cells) {
        super.row(cells);
        return this;
    }

    /** "5m ago", or "never". */
    public static String ago(Instant then, Instant now) {
        return then == null ? NEVER : Durations.brief(Duration.between(then, now)) + " ago";
    }

    /** "in 3h" or "5m ago", or "never". */
    public static String relative(Instant t, Instant now) {
        if (t == null) {
            return NEVER;
        }
        return t.isAfter(now) ? "in " + Durations.brief(Duration.between(now, t)) : ago(t, now);
    }

    /** UTC ISO-8601 to the second. */
    public static String stamp(Instant t) {
        return t == null ? NEVER : DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    /** Comma-separated, or "-" for none. */
    public static String list(Collection<String> items) {
        return items == null || items.isEmpty() ? NONE : String.join(",", items);
    }
}
