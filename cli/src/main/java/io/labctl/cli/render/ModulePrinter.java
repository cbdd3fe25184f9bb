package io.labctl.cli.render;

import io.labctl.protocol.modules.AssignmentRevision;
import io.labctl.protocol.modules.ModuleDescriptor;
import io.labctl.protocol.modules.ModuleDetail;
import io.labctl.protocol.modules.ModuleReport;
import io.labctl.protocol.modules.ModuleRun;
import io.labctl.protocol.modules.ModuleSummary;
import io.labctl.protocol.modules.ResourceResult;
import io.labctl.protocol.modules.ServerModuleStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Configuration modules as {@code modules list|status|history}, {@code describe module} and {@code logs module} show them. */
public final class ModulePrinter {
    /** Indent of a resource line under its server, and of a diff under its resource. */
    private static final String RESOURCE_INDENT = "  ";
    private static final String DIFF_INDENT = "      ";

    private ModulePrinter() {}

    /** Longest description a list row shows; 'labctl describe module/NAME' and -o json|yaml show it whole. */
    static final int DESCRIPTION_WIDTH = 60;

    public static String list(List<ModuleSummary> modules) {
        Table t = new Table("NAME", "NEWEST", "VERSIONS", "ASSIGNMENTS", "DESCRIPTION");
        for (ModuleSummary m : modules) {
            t.row(m.name(), m.newestVersion(), m.versions() == null ? null : String.join(",", m.versions()),
                    Integer.toString(m.assignments()), shortened(m.description()));
        }
        return t.render();
    }

    /** A description cut at a word before the column's width, so that one module's prose does not fill the screen. */
    static String shortened(String description) {
        if (description == null || description.length() <= DESCRIPTION_WIDTH) {
            return description;
        }
        int cut = description.lastIndexOf(' ', DESCRIPTION_WIDTH - 3);
        return description.substring(0, cut > 0 ? cut : DESCRIPTION_WIDTH - 3).stripTrailing() + "...";
    }

    public static String describe(ModuleDetail detail, Instant now) {
        Block b = new Block();
        ModuleSummary s = detail.summary();
        ModuleDescriptor d = detail.descriptor();
        b.put("Name", s != null ? s.name() : d == null ? null : d.name());
        b.put("Description", s != null && s.description() != null ? s.description() : d == null ? null : d.description());
        b.put("Newest Version", s == null ? null : s.newestVersion());
        b.put("Versions", s == null || s.versions() == null ? null : String.join(", ", s.versions()));
        if (d != null) {
            ModuleDescriptor.Targets targets = d.targets();
            b.section("Targets");
            b.put("  Roles", targets == null || targets.roles() == null ? null : String.join(", ", targets.roles()));
            b.put("  Selector", targets == null ? null : targets.selector());
            b.list("Requires", d.requires() == null ? List.of()
                    : d.requires().stream().map(r -> r.name() + (r.version() == null ? "" : " " + r.version())).toList());
            b.section("Inputs");
            if (d.inputs() == null || d.inputs().isEmpty()) {
                b.raw("  <none>");
            } else {
                Table t = new Table("NAME", "TYPE", "DEFAULT", "REQUIRED", "SECRET", "DESCRIPTION");
                d.inputs().forEach((name, in) -> t.row(name, in.type() == null ? "string" : in.type(),
                        defaultOf(in), in.required() ? "yes" : "no", in.secret() ? "yes" : "no", in.description()));
                b.indented(t.render(), "  ");
            }
        }
        b.section("Revisions");
        List<AssignmentRevision> revisions = detail.revisions() == null ? List.of() : detail.revisions();
        if (revisions.isEmpty()) {
            b.raw("  <none: not assigned yet; see 'labctl modules apply --help'>");
        } else {
            b.indented(history(revisions, now), "  ");
        }
        return b.render();
    }

    /** An input's default as text; a secret's default is never shown. */
    private static String defaultOf(ModuleDescriptor.InputSpec in) {
        Object v = in.defaultValue();
        if (v == null) {
            return null;
        }
        if (in.secret()) {
            return AssignmentRevision.MASK;
        }
        return v instanceof List<?> l ? "[" + String.join(",", l.stream().map(String::valueOf).toList()) + "]" : String.valueOf(v);
    }

    public static String history(List<AssignmentRevision> revisions, Instant now) {
        Table t = new Table("REVISION", "ACTION", "VERSION", "SELECTOR", "ENFORCE", "INPUTS", "BY", "AGE");
        for (AssignmentRevision r : revisions) {
            t.row(Integer.toString(r.revision()), r.action(), r.version(), r.selector(), r.enforce() ? "yes" : "no",
                    Formats.labels(r.inputs()), r.by(), Times.age(r.at(), now));
        }
        return t.render();
    }

    /** @param wide adds the RUN column: the last run's id, for {@code labctl logs module/RUN-ID} */
    public static String status(List<ServerModuleStatus> statuses, boolean wide, Instant now) {
        List<String> header = new ArrayList<>(List.of("SERVER", "MODULE", "VERSION", "REVISION", "STATE", "LAST-RUN",
                "LAST-CHECK", "DETAIL"));
        if (wide) {
            header.add(5, "RUN");
        }
        Table t = new Table(header);
        for (ServerModuleStatus s : statuses) {
            List<String> row = new ArrayList<>(java.util.Arrays.asList(s.server(), s.module(), s.version(),
                    Integer.toString(s.revision()), s.state(), Times.age(s.lastRun(), now), Times.age(s.lastCheck(), now),
                    s.detail()));
            if (wide) {
                row.add(5, s.lastRunId());
            }
            t.row(row);
        }
        return t.render();
    }

    /**
     * The MODULES cell of each server in {@code get servers -o wide}: counts by state, converged first as "ok",
     * e.g. {@code 3 ok, 1 drifted}. Servers without modules are absent.
     */
    public static Map<String, String> perServer(List<ServerModuleStatus> statuses) {
        Map<String, Map<String, Integer>> counts = new TreeMap<>();
        for (ServerModuleStatus s : statuses) {
            Map<String, Integer> c = counts.computeIfAbsent(s.server(), k -> new LinkedHashMap<>());
            String state = ServerModuleStatus.CONVERGED.equals(s.state()) ? "ok" : String.valueOf(s.state());
            c.merge(state, 1, Integer::sum);
        }
        Map<String, String> out = new TreeMap<>();
        counts.forEach((server, c) -> {
            List<String> parts = new ArrayList<>();
            for (String state : orderedStates(c.keySet())) {
                parts.add(c.get(state) + " " + state);
            }
            out.put(server, String.join(", ", parts));
        });
        return out;
    }

    private static List<String> orderedStates(Set<String> states) {
        List<String> order = new ArrayList<>(List.of("ok", ServerModuleStatus.DRIFTED, ServerModuleStatus.FAILED,
                ServerModuleStatus.PENDING));
        order.retainAll(states);
        states.stream().filter(s -> !order.contains(s)).sorted().forEach(order::add);
        return order;
    }

    /** The Modules section of {@code describe server}: one line per module; null statuses = capability absent. */
    public static void serverSection(Block b, List<ServerModuleStatus> statuses, Instant now) {
        b.section("Modules");
        if (statuses == null) {
            b.raw("  <modules capability not installed in labd>");
        } else if (statuses.isEmpty()) {
            b.raw("  <none>");
        } else {
            Table t = new Table("MODULE", "VERSION", "REVISION", "STATE", "LAST-RUN", "DETAIL");
            for (ServerModuleStatus s : statuses) {
                t.row(s.module(), s.version(), Integer.toString(s.revision()), s.state(), Times.age(s.lastRun(), now), s.detail());
            }
            b.indented(t.render(), "  ");
        }
    }

    /** A run as {@code logs module/RUN-ID} prints it: who, when, outcome, then every resource. */
    public static String run(ModuleRun run, Instant now) {
        Block b = new Block();
        b.put("Run", run.id());
        b.put("Server", run.server());
        b.put("Module", run.module() + (run.version() == null ? "" : "@" + run.version()));
        b.put("Revision", run.revision() > 0 ? Integer.toString(run.revision()) : null);
        b.put("Action", run.action());
        b.put("Status", run.status());
        b.put("By", run.by());
        b.put("Started", Times.stampRelative(run.started(), now));
        b.put("Ended", run.ended() == null ? null : Times.stampRelative(run.ended(), now));
        ModuleReport r = run.report();
        if (r == null) {
            b.put("Report", null);
            return b.render();
        }
        b.put("Health", r.health());
        b.put("Result", counts(r));
        b.section("Resources");
        StringBuilder sb = new StringBuilder(b.render());
        for (ResourceResult res : resources(r)) {
            sb.append(resource(res));
        }
        return sb.toString();
    }

    /**
     * One server's report as apply prints it: a line with the counts, then one line for each resource that changed
     * (or would, in a plan), failed or was skipped, its diff indented below it. Unchanged resources are only counted.
     */
    public static String report(ModuleReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append(r.server()).append("  ").append(counts(r));
        if (r.health() != null) {
            sb.append(", ").append(r.health());
        }
        sb.append('\n');
        for (ResourceResult res : resources(r)) {
            if (!ResourceResult.UNCHANGED.equals(res.status())) {
                sb.append(resource(res));
            }
        }
        return sb.toString();
    }

    /** e.g. {@code changed 4, failed 1, skipped 2, unchanged 10} (plans say "would change"). */
    public static String counts(ModuleReport r) {
        List<String> parts = new ArrayList<>();
        parts.add(("plan".equals(r.action()) ? "would change " : "changed ") + r.changed());
        if (r.failed() > 0) {
            parts.add("failed " + r.failed());
        }
        if (r.skipped() > 0) {
            parts.add("skipped " + r.skipped());
        }
        parts.add("unchanged " + r.unchanged());
        return String.join(", ", parts);
    }

    private static List<ResourceResult> resources(ModuleReport r) {
        return r.resources() == null ? List.of() : r.resources();
    }

    /** {@code ~ changed}, {@code ! failed}, {@code - skipped}, {@code = unchanged}: one line, then the diff or reason. */
    private static String resource(ResourceResult res) {
        String mark = switch (String.valueOf(res.status())) {
            case ResourceResult.CHANGED -> "~";
            case ResourceResult.FAILED -> "!";
            case ResourceResult.SKIPPED -> "-";
            default -> "=";
        };
        StringBuilder sb = new StringBuilder(RESOURCE_INDENT).append(mark).append(' ').append(Table.clean(res.id()))
                .append("  ").append(res.status());
        if (res.reason() != null && !res.reason().isBlank()) {
            sb.append(": ").append(Table.clean(res.reason()));
        }
        sb.append('\n');
        if (res.diff() != null && !res.diff().isBlank()) {
            for (String line : res.diff().split("\n", -1)) {
                if (!line.isEmpty()) {
                    sb.append(DIFF_INDENT).append(Table.clean(line)).append('\n');
                }
            }
        }
        return sb.toString();
    }
}
