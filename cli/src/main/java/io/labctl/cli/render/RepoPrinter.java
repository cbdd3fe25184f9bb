package io.labctl.cli.render;

import io.labctl.protocol.modules.RepoEntry;
import java.time.Instant;
import java.util.List;

/** The bundle repository as {@code repo list} shows it. */
public final class RepoPrinter {
    /** Enough of a digest to tell entries apart; -o json shows all of it. */
    public static final int SHORT_DIGEST = 12;

    private RepoPrinter() {}

    public static String table(List<RepoEntry> entries, Instant now) {
        if (entries.isEmpty()) {
            return "The repository is empty. Push a module jar or an artifact with 'labctl repo push FILE'.\n";
        }
        Table t = new Table("NAME", "VERSION", "KIND", "SIZE", "SHA256", "UPLOADED-BY", "AGE");
        for (RepoEntry e : entries) {
            t.row(e.name(), e.version(), e.kind(), RepoEntry.humanSize(e.size()), shortDigest(e.sha256()),
                    e.uploadedBy(), Times.age(e.uploadedAt(), now));
        }
        return t.render();
    }

    public static String shortDigest(String sha256) {
        return sha256 == null || sha256.length() <= SHORT_DIGEST ? sha256 : sha256.substring(0, SHORT_DIGEST);
    }
}
