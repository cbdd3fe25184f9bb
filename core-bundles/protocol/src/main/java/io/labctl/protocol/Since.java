package io.labctl.protocol;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * The points in time {@code --since} takes: a duration back from now ({@code 1h}, {@code "1h ago"}), an ISO
 * instant or offset date-time ({@code 2026-11-26T03:00:00Z}), a local date-time or a date, both read as UTC.
 * CLI and labd share it, so both sides accept the same words.
 */
public final class Since {
    private Since() {}

    public static Instant parse(String text, Instant now) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("missing time; use e.g. 1h, \"1h ago\", 2026-11-26 or 2026-11-26T03:00:00Z");
        }
        String t = text.strip();
        if (Character.isDigit(t.charAt(0)) && t.length() >= 10 && t.charAt(4) == '-') {
            try {
                return OffsetDateTime.parse(t).toInstant();
            } catch (DateTimeParseException ignored) {
                // not with an offset: try the local forms next
            }
            try {
                return LocalDateTime.parse(t.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException ignored) {
                // not a date-time: a date?
            }
            try {
                return LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + text + "' is not a time; use e.g. 1h, \"1h ago\", 2026-11-26 or "
                        + "2026-11-26T03:00:00Z");
            }
        }
        try {
            return now.minus(Durations.parse(t));
        } catch (IllegalArgumentException | java.time.DateTimeException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is not a time; use e.g. 1h, \"1h ago\", 2026-11-26 or "
                    + "2026-11-26T03:00:00Z");
        }
    }
}
