package io.labctl.agent.logs.internal;

import io.labctl.protocol.logs.LogsRequest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * journalctl's argument vector for a request: one list element per argument, each value its own element after its
 * option, and no shell anywhere, so no value can become an option or a command.
 */
final class JournalArguments {
    /** What a read with neither a line count nor a start time shows. */
    static final int DEFAULT_LINES = 200;
    /**
     * The output format: the journal's export format, every field whole, which the agent turns into short-iso lines
     * in UTC itself ({@link JournalFormat}): that way it knows each entry's cursor.
     */
    static final String OUTPUT = "export";

    private static final DateTimeFormatter SINCE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
    // journalctl cannot express times outside these (and the journal holds none)
    private static final Instant EARLIEST = Instant.EPOCH;
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private JournalArguments() {}

    static List<String> build(LogsRequest request, JournalSettings settings) {
        return build(request, settings, null);
    }

    /**
     * @param resume where a handed-over follow goes on from: right after that entry (--after-cursor, one argument
     *               element), or every matching entry for {@link JournalCursor#NONE}; the line count and start time
     *               of the original request then no longer apply (the start time does for NONE: nothing before it
     *               was shown). Null for a new read.
     */
    static List<String> build(LogsRequest request, JournalSettings settings, JournalCursor resume) {
        List<String> args = start(settings);
        if (resume != null) {
            if (resume.namesEntry()) {
                args.add("--after-cursor=" + resume.cursor());
            } else {
                args.add("-n");
                args.add("all");
                if (request.since() != null) {
                    args.add("--since");
                    args.add(since(request.since()));
                }
            }
            filters(request, args);
            args.add("-f");
            return List.copyOf(args);
        }
        if (request.lines() != null) {
            args.add("-n");
            args.add(Integer.toString(request.lines()));
        } else if (request.since() == null) {
            args.add("-n");
            args.add(Integer.toString(DEFAULT_LINES));
        }
        if (request.since() != null) {
            args.add("--since");
            args.add(since(request.since()));
        }
        filters(request, args);
        if (request.follow()) {
            args.add("-f");
        }
        return List.copyOf(args);
    }

    /**
     * The last entry a follow's filters match now, read before the follow starts: if the follow is handed over before
     * it sent any entry, it goes on after this one (its start showed nothing newer).
     */
    static List<String> probe(LogsRequest request, JournalSettings settings) {
        List<String> args = start(settings);
        args.add("-n");
        args.add("1");
        if (request.since() != null) {
            args.add("--since");
            args.add(since(request.since()));
        }
        filters(request, args);
        return List.copyOf(args);
    }

    private static List<String> start(JournalSettings settings) {
        List<String> args = new ArrayList<>();
        args.add(settings.journalctl());
        args.add("--no-pager");
        args.add("-o");
        args.add(OUTPUT);
        if (!settings.journalDirectory().isEmpty()) {
            args.add("-D");
            args.add(settings.journalDirectory());
        }
        return args;
    }

    private static void filters(LogsRequest request, List<String> args) {
        if (request.unit() != null) {
            args.add("-u");
            args.add(request.unit());
        }
        if (request.priority() != null) {
            args.add("-p");
            args.add(request.priority());
        }
        if (request.kernel()) {
            args.add("-k");
        }
    }

    /**
     * The start time in journalctl's syntax, to the second (rounded down: a little more rather than a little less).
     * The explicit " UTC" matters: --utc changes only how journalctl prints times, it would parse this one in the
     * agent's local time zone.
     */
    static String since(Instant since) {
        Instant t = since.isBefore(EARLIEST) ? EARLIEST : since.isAfter(LATEST) ? LATEST : since;
        return SINCE.format(t.truncatedTo(ChronoUnit.SECONDS)) + " UTC";
    }
}
