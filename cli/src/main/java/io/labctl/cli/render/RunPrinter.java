package io.labctl.cli.render;

import io.labctl.protocol.pulumi.PulumiRun;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Pulumi runs as the CLI shows them. */
public final class RunPrinter {
    private static final List<String> ORDER = List.of("create", "update", "replace", "delete", "same");

    private RunPrinter() {}

    public static String table(List<PulumiRun> runs, boolean wide, Instant now) {
        Table t = wide ? new Table("ID", "KIND", "STACK", "STATUS", "CHANGES", "USER", "AGE", "DURATION", "PROGRAM",
                "DIGEST") : new Table("ID", "KIND", "STACK", "STATUS", "CHANGES", "USER", "AGE");
        for (PulumiRun r : runs) {
            List<String> row = new ArrayList<>(List.of(r.id(), r.kind(), r.stack(), r.status(), changesShort(r),
                    r.user(), Times.age(r.startedAt(), now)));
            if (wide) {
                row.addAll(List.of(duration(r, now), r.program(), r.digest().substring(0, 12)));
            }
            t.row(row.toArray(String[]::new));
        }
        return t.render();
    }

    public static String describe(PulumiRun r, Instant now) {
        Block b = new Block();
        b.put("Run", r.id());
        b.put("Kind", r.kind());
        b.put("Stack", r.stack() + " (cloud " + r.cloud() + ")");
        b.put("Program", r.program() + " sha256:" + r.digest());
        b.put("User", r.user());
        b.put("Status", r.status() + (r.cancelledBy() == null ? "" : " by " + r.cancelledBy()));
        b.put("Started", Times.stampRelative(r.startedAt(), now));
        b.put("Ended", r.endedAt() == null ? "-" : Times.stamp(r.endedAt()) + " (took " + duration(r, now) + ")");
        b.put("Changes", r.changes() == null ? "-" : summary(r));
        List<String> outputs = new ArrayList<>();
        if (r.outputs() != null) {
            r.outputs().forEach((k, v) -> outputs.add(k + ": " + v));
        }
        b.list("Outputs (" + outputs.size() + ")", outputs);
        if (r.error() != null) {
            b.put("Error", r.error());
        }
        b.put("Log", "labctl logs pulumi/" + r.id());
        return b.render();
    }

    /** The change summary in words: {@code 2 to create, 1 to update, 3 unchanged}; a done run says it did them. */
    public static String summary(PulumiRun r) {
        Map<String, Integer> c = r.changes();
        if (c == null || c.isEmpty()) {
            return "no resources";
        }
        boolean planned = r.planned();
        List<String> parts = new ArrayList<>();
        for (String op : ORDER) {
            Integer n = c.get(op);
            if (n != null && n > 0) {
                parts.add(op.equals("same") ? n + " unchanged" : planned ? n + " to " + op : n + " " + past(op));
            }
        }
        c.forEach((op, n) -> {
            if (!ORDER.contains(op) && n > 0) {
                parts.add(n + " " + op);
            }
        });
        return parts.isEmpty() ? "no changes" : String.join(", ", parts);
    }

    private static String past(String op) {
        return switch (op) {
            case "create" -> "created";
            case "update" -> "updated";
            case "replace" -> "replaced";
            case "delete" -> "deleted";
            default -> op;
        };
    }

    private static String changesShort(PulumiRun r) {
        Map<String, Integer> c = r.changes();
        if (c == null) {
            return "-";
        }
        return "+" + c.getOrDefault("create", 0) + " ~" + (c.getOrDefault("update", 0) + c.getOrDefault("replace", 0))
                + " -" + c.getOrDefault("delete", 0);
    }

    private static String duration(PulumiRun r, Instant now) {
        Instant end = r.endedAt() == null ? now : r.endedAt();
        Duration d = Duration.between(r.startedAt(), end);
        long s = d.toSeconds();
        return s < 60 ? String.format("%.1fs", d.toMillis() / 1000.0) : s / 60 + "m" + s % 60 + "s";
    }
}
