package io.labctl.protocol.logs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What to read: the journal (filtered), a file, or the agent's own log; once or following. Travels as the parameters
 * of the stream's OPEN frame, over the same frames as exec (CLI ⇄ labd ⇄ agent; see ExecRequest), with untagged
 * DATA (the log's bytes), CLOSE {exitCode} when a non-following read ends, ERROR {code, message}.
 *
 * <p>Every field is validated here, on each hop: the agent builds journalctl's arguments from these values, never
 * from a shell string. {@link #allow} is set by labd (the path globs the caller may read), never by the CLI.
 *
 * <p>{@link #compression} {@value #DEFLATE} asks the agent to send the log as DEFLATED frames
 * ({@link io.labctl.protocol.channel.StreamCompressor}); a value this side does not know is dropped, so the request
 * falls back to plain DATA, which every reader takes. An agent without compression sends plain DATA anyway.
 */
public record LogsRequest(String source, boolean follow, Integer lines, String unit, Instant since, String priority,
                          boolean kernel, String path, List<String> allow, String compression) {
    public static final String KIND = "logs";
    public static final String JOURNAL = "journal";
    public static final String FILE = "file";
    public static final String AGENT = "agent";
    public static final int MAX_LINES = 1_000_000;
    /** The one compression there is: raw DEFLATE, one context per stream. */
    public static final String DEFLATE = "deflate";
    private static final Set<String> SOURCES = Set.of(JOURNAL, FILE, AGENT);
    private static final Set<String> PRIORITIES = Set.of("emerg", "alert", "crit", "err", "warning", "notice", "info",
            "debug", "0", "1", "2", "3", "4", "5", "6", "7");
    private static final Pattern UNIT = Pattern.compile("[A-Za-z0-9@._:\\\\-]{1,256}");

    public LogsRequest {
        allow = allow == null ? List.of() : List.copyOf(allow);
    }

    public LogsRequest withAllow(List<String> globs) {
        return new LogsRequest(source, follow, lines, unit, since, priority, kernel, path, globs, compression);
    }

    /** Whether the log is to travel as DEFLATED frames. */
    public boolean deflate() {
        return DEFLATE.equals(compression);
    }

    public Map<String, Object> toParams() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("source", source);
        p.put("follow", follow);
        p.put("lines", lines);
        p.put("unit", unit);
        p.put("since", since == null ? null : since.toString());
        p.put("priority", priority);
        p.put("kernel", kernel);
        p.put("path", path);
        p.put("allow", allow);
        p.put("compression", compression);
        return p;
    }

    /** Reads and checks OPEN parameters; a clear message naming what a peer got wrong. */
    public static LogsRequest fromParams(Map<String, Object> params) {
        if (params == null) {
            throw new IllegalArgumentException("logs needs parameters");
        }
        String source = text(params, "source");
        if (source == null || !SOURCES.contains(source)) {
            throw new IllegalArgumentException("logs source must be one of " + SOURCES + ", not " + source);
        }
        Integer lines = null;
        if (params.get("lines") instanceof Number n) {
            if (n.longValue() < 0 || n.longValue() > MAX_LINES) {
                throw new IllegalArgumentException("lines must be between 0 and " + MAX_LINES);
            }
            lines = n.intValue();
        }
        String unit = text(params, "unit");
        if (unit != null && !UNIT.matcher(unit).matches()) {
            throw new IllegalArgumentException("'" + unit + "' is not a unit name");
        }
        String since = text(params, "since");
        Instant sinceAt = null;
        if (since != null) {
            try {
                sinceAt = Instant.parse(since);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("since must be an ISO instant such as 2026-11-26T03:00:00Z");
            }
        }
        String priority = text(params, "priority");
        if (priority != null) {
            priority = priority.toLowerCase(Locale.ROOT);
            if (!PRIORITIES.contains(priority)) {
                throw new IllegalArgumentException("priority must be one of emerg, alert, crit, err, warning, notice, "
                        + "info, debug (or 0-7), not " + priority);
            }
        }
        String path = text(params, "path");
        if (FILE.equals(source)) {
            if (path == null || !path.startsWith("/") || path.indexOf('\0') >= 0 || path.length() > 4096) {
                throw new IllegalArgumentException("a file source needs an absolute path");
            }
        } else if (path != null) {
            throw new IllegalArgumentException("path is only for the file source");
        }
        List<String> allow = new ArrayList<>();
        if (params.get("allow") instanceof List<?> globs) {
            for (Object g : globs) {
                if (g instanceof String s && s.startsWith("/") && s.length() <= 4096) {
                    allow.add(s);
                } else {
                    throw new IllegalArgumentException("allow entries must be absolute path globs");
                }
            }
        }
        // an unknown compression (a newer peer's) is dropped rather than refused: plain DATA is always understood
        String compression = DEFLATE.equals(params.get("compression")) ? DEFLATE : null;
        return new LogsRequest(source, Boolean.TRUE.equals(params.get("follow")), lines, unit, sinceAt, priority,
                Boolean.TRUE.equals(params.get("kernel")), path, allow, compression);
    }

    private static String text(Map<String, Object> params, String key) {
        Object v = params.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException(key + " must be text");
        }
        if (s.isBlank()) {
            // an empty filter (-u "$UNIT" unset) is refused: read as absent, it would widen what is read
            throw new IllegalArgumentException(key + " is empty; give a value or leave it out");
        }
        return s.strip();
    }
}
