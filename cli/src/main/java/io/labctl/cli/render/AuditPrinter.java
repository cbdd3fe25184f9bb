package io.labctl.cli.render;

import io.labctl.protocol.access.AuditEntry;
import io.labctl.protocol.access.AuditVerification;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Audit rows and the chain verification as {@code logs audit} shows them. */
public final class AuditPrinter {
    private AuditPrinter() {}

    public static String table(List<AuditEntry> entries, boolean wide) {
        List<String> header = new ArrayList<>(List.of("TIME", "USER", "SESSION", "SOURCE", "ACTION", "RESOURCE", "RESULT",
                "DURATION", "ERROR"));
        if (wide) {
            header.addAll(List.of("INSTANCE", "SEQ"));
        }
        Table t = new Table(header);
        for (AuditEntry e : entries) {
            List<String> row = new ArrayList<>(Arrays.asList(Times.stamp(e.at()), e.user(), session(e), e.source(),
                    e.action(), e.resource(), e.result(), duration(e.durationMs()),
                    e.error() == null ? null : e.error().replace('\n', ' ')));
            if (wide) {
                row.add(e.instance());
                row.add(Long.toString(e.seq()));
            }
            t.row(row);
        }
        return t.render();
    }

    /** The handle 'labctl logs audit/...' takes, or null for rows without a session (agents, labd itself). */
    public static String session(AuditEntry e) {
        return e.sessionId() == null || e.at() == null ? null : e.session();
    }

    /** 850ms, 1.2s, 2m5s. */
    public static String duration(Long ms) {
        if (ms == null) {
            return null;
        }
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        return (ms / 60_000) + "m" + (ms % 60_000) / 1000 + "s";
    }

    /** One line: intact with the counts, or where the chain breaks first. */
    public static String verification(AuditVerification v) {
        if (v.intact()) {
            return "audit log intact: " + v.rowsChecked() + " rows in " + v.chains() + " chains\n";
        }
        return "audit log BROKEN at " + orUnknown(v.instance()) + " row " + (v.seq() == null ? "<unknown>" : v.seq())
                + ": " + orUnknown(v.problem()) + "\n";
    }

    private static String orUnknown(String s) {
        return s == null || s.isBlank() ? "<unknown>" : Table.clean(s);
    }
}
