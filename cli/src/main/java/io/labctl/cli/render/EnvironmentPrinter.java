package io.labctl.cli.render;

import io.labctl.protocol.environments.CloudInfo;
import io.labctl.protocol.environments.EnvironmentInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Environments and clouds as the CLI shows them. */
public final class EnvironmentPrinter {
    /** The kinds describe always shows, even when a capability reports none (it may not be installed). */
    private static final List<String> KINDS = List.of("servers", "bastions", "clusters");

    private EnvironmentPrinter() {}

    public static String table(List<EnvironmentInfo> environments, boolean wide, Instant now) {
        Table t = wide ? new Table("NAME", "CLOUD", "AGE", "CREATED-BY") : new Table("NAME", "CLOUD", "AGE");
        for (EnvironmentInfo e : environments) {
            if (wide) {
                t.row(e.name(), e.cloud(), Times.age(e.createdAt(), now), e.createdBy());
            } else {
                t.row(e.name(), e.cloud(), Times.age(e.createdAt(), now));
            }
        }
        return t.render();
    }

    public static String clouds(List<CloudInfo> clouds, boolean wide) {
        Table t = wide ? new Table("NAME", "BUILTIN", "ENVIRONMENTS", "NAMES") : new Table("NAME", "BUILTIN", "ENVIRONMENTS");
        for (CloudInfo c : clouds) {
            String count = String.valueOf(c.environments().size());
            if (wide) {
                t.row(c.name(), c.builtin() ? "yes" : "no", count,
                        c.environments().isEmpty() ? "-" : String.join(",", c.environments()));
            } else {
                t.row(c.name(), c.builtin() ? "yes" : "no", count);
            }
        }
        return t.render();
    }

    public static String describe(EnvironmentInfo e, Instant now) {
        Block b = new Block();
        b.put("Name", e.name());
        b.put("Cloud", e.cloud());
        b.put("Created", Times.stampRelative(e.createdAt(), now) + " by " + e.createdBy());
        List<EnvironmentInfo.Contents> in = new ArrayList<>(e.contents() == null ? List.of() : e.contents());
        for (String kind : KINDS) {
            if (in.stream().noneMatch(c -> c.kind().equals(kind))) {
                in.add(new EnvironmentInfo.Contents(kind, 0, List.of()));
            }
        }
        in.sort(java.util.Comparator.comparing(c -> KINDS.indexOf(c.kind()) < 0 ? KINDS.size() : KINDS.indexOf(c.kind())));
        for (EnvironmentInfo.Contents c : in) {
            List<String> names = new ArrayList<>(c.names());
            if (c.count() > names.size()) {
                names.add("... and " + (c.count() - names.size()) + " more");
            }
            String title = Character.toUpperCase(c.kind().charAt(0)) + c.kind().substring(1) + " (" + c.count() + ")";
            b.list(title, names);
        }
        return b.render();
    }
}
