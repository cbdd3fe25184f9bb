package io.labctl.cli.render;

import io.labctl.protocol.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Times as tables and descriptions show them. */
public final class Times {
    public static final String NEVER = "<never>";

    private Times() {}

    /** Time since {@code then}, brief (45s, 12m, 3h, 5d), or {@code <never>}. */
    public static String age(Instant then, Instant now) {
        return then == null ? NEVER : Durations.brief(Duration.between(then, now));
    }

    /** An instant as UTC ISO-8601 to the second. */
    public static String stamp(Instant t) {
        return t == null ? NEVER : DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    /** "12m ago" or "in 3h". */
    public static String relative(Instant t, Instant now) {
        if (t == null) {
            return NEVER;
        }
        return t.isAfter(now) ? "in " + Durations.brief(Duration.between(now, t))
                : Durations.brief(Duration.between(t, now)) + " ago";
    }

    /** A stamp with its relative time: {@code 2025-01-02T03:04:05Z (3h ago)}. */
    public static String stampRelative(Instant t, Instant now) {
        return t == null ? NEVER : stamp(t) + " (" + relative(t, now) + ")";
    }
}
