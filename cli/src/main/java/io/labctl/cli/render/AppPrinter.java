package io.labctl.cli.render;

import io.labctl.protocol.apps.AppRelease;
import io.labctl.protocol.apps.AppRevision;
import io.labctl.protocol.apps.AppSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Apps as {@code labctl apps list|status|history} show them. */
public final class AppPrinter {
    private AppPrinter() {}

    /** NAME, LATEST, INSTALLED (env@version (rev N, status), ...), DESCRIPTION (cut; whole with wide). */
    public static String list(List<AppSummary> apps, boolean wide) {
        Table t = new Table("NAME", "LATEST", "INSTALLED", "DESCRIPTION");
        for (AppSummary a : apps) {
            String latest = a.versions() == null || a.versions().isEmpty() ? null : a.versions().get(0);
            t.row(a.name(), latest, installed(a.releases()),
                    wide ? a.description() : ModulePrinter.shortened(a.description()));
        }
        return t.render();
    }

    /** Where the app is: the revision in force in each environment; an uninstalled one is not installed. */
    static String installed(List<AppRelease> releases) {
        List<String> out = new ArrayList<>();
        for (AppRelease r : releases == null ? List.<AppRelease>of() : releases) {
            if (AppRelease.UNINSTALLED.equals(r.status())) {
                continue;
            }
            // a failed first install has nothing deployed: its last revision says what was tried
            AppRevision shown = r.deployed() != null ? r.deployed() : r.last();
            out.add(shown == null ? r.environment() + " (" + r.status() + ")"
                    : r.environment() + "@" + shown.version() + " (rev " + shown.revision() + ", " + r.status() + ")");
        }
        return out.isEmpty() ? "-" : String.join(", ", out);
    }

    /** Like kubectl describe: where, its status, the deployed and the last revision, resources, outputs, values. */
    public static String status(AppRelease r, Instant now) {
        Block b = new Block();
        b.put("App", r.app());
        b.put("Environment", r.environment() + (r.cloud() == null ? "" : " (cloud " + r.cloud() + ")"));
        b.put("Cluster", r.cluster() == null ? "- (the engine host's Kubernetes configuration)" : r.cluster());
        b.put("Status", r.status());
        b.put("Deployed", r.deployed() != null ? revision(r.deployed(), now)
                : AppRelease.UNINSTALLED.equals(r.status()) ? "- (uninstalled)" : "- (no revision succeeded yet)");
        if (r.last() != null && (r.deployed() == null || r.last().revision() != r.deployed().revision())) {
            b.put("Last", revision(r.last(), now) + ", " + r.last().status());
        }
        b.put("Resources", r.resources() == null ? "-" : Integer.toString(r.resources()));
        b.list("Outputs (" + size(r.outputs()) + ")", lines(r.outputs()));
        // the values in force: the deployed revision's, else what the last one tried (secret ones masked by labd)
        AppRevision values = r.deployed() != null ? r.deployed() : r.last();
        Map<String, String> v = values == null ? null : values.values();
        b.list("Values (" + size(v) + ")", lines(v));
        return b.render();
    }

    /** {@code revision 2: upgrade to 1.1.0, 2025-06-01T11:00:00Z (1h ago) by alice, run r-...}. */
    private static String revision(AppRevision v, Instant now) {
        return "revision " + v.revision() + ": " + v.kind() + (v.rollbackOf() == null ? "" : " to " + v.rollbackOf())
                + " of " + v.version() + ", " + Times.stampRelative(v.at(), now) + " by " + v.user()
                + (v.run() == null ? "" : ", run " + v.run());
    }

    /** REVISION, KIND, VERSION, STATUS, USER, WHEN, RUN, NOTE; newest first, as labd answers. */
    public static String history(List<AppRevision> revisions, Instant now) {
        Table t = new Table("REVISION", "KIND", "VERSION", "STATUS", "USER", "WHEN", "RUN", "NOTE");
        for (AppRevision v : revisions) {
            t.row(Integer.toString(v.revision()), v.kind(), v.version(), v.status(), v.user(), Times.age(v.at(), now),
                    v.run(), v.rollbackOf() == null ? null : "rollback to " + v.rollbackOf());
        }
        return t.render();
    }

    private static int size(Map<String, String> m) {
        return m == null ? 0 : m.size();
    }

    /** {@code key: value} lines in key order, so two statuses compare line by line. */
    private static List<String> lines(Map<String, String> m) {
        List<String> out = new ArrayList<>();
        if (m != null) {
            new TreeMap<>(m).forEach((k, v) -> out.add(k + ": " + v));
        }
        return out;
    }
}
