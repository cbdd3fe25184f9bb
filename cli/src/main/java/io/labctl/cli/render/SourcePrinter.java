package io.labctl.cli.render;

import io.labctl.protocol.sources.BuildInfo;
import io.labctl.protocol.sources.CredentialInfo;
import io.labctl.protocol.sources.SourceInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Credentials, module sources and their builds as the CLI shows them (never a secret: labd sends none). */
public final class SourcePrinter {
    /** Enough of a commit to find it; -o json|yaml shows all of it. */
    public static final int SHORT_COMMIT = 12;

    private SourcePrinter() {}

    public static String credentials(List<CredentialInfo> credentials, Instant now) {
        if (credentials.isEmpty()) {
            return "No credentials. Create one with 'labctl create credential NAME --token-file F'.\n";
        }
        Table t = new Table("NAME", "KIND", "USED-BY", "CREATED-BY", "AGE");
        for (CredentialInfo c : credentials) {
            t.row(c.name(), c.kind(), c.usedBy() == null || c.usedBy().isEmpty() ? "-" : String.join(",", c.usedBy()),
                    c.createdBy(), Times.age(c.createdAt(), now));
        }
        return t.render();
    }

    public static String sources(List<SourceInfo> sources, Instant now) {
        if (sources.isEmpty()) {
            return "No module comes from git yet. Add one with 'labctl modules add NAME --git URL'.\n";
        }
        Table t = new Table("NAME", "URL", "REF", "COMMIT", "VERSION", "ADDED-BY", "AGE", "LAST-BUILD");
        for (SourceInfo s : sources) {
            t.row(s.name(), s.url(), s.ref() == null ? "(default)" : s.ref(), shortCommit(s.commit()), s.version(),
                    s.addedBy(), Times.age(s.updatedAt() != null ? s.updatedAt() : s.addedAt(), now),
                    s.lastBuild() == null ? "-" : shortCommit(s.lastBuild()) + " " + s.lastState());
        }
        return t.render();
    }

    /** The end of a build, one line: what it published, or the step it failed at and why. */
    public static String outcome(BuildInfo b) {
        String took = b.startedAt() != null && b.endedAt() != null
                ? " in " + Math.max(0, Duration.between(b.startedAt(), b.endedAt()).toSeconds()) + " s" : "";
        if (BuildInfo.SUCCEEDED.equals(b.state())) {
            return "published " + b.module() + "/" + b.version() + " from commit " + shortCommit(b.commit())
                    + " (build " + b.id() + (took.isEmpty() ? "" : "," + took) + ", sha256 " + b.sha256() + ")\n";
        }
        return "build " + b.id() + " of " + b.module() + " failed at " + b.step() + took + ": " + b.detail()
                + "\nits log: labctl logs build/" + b.id() + "\n";
    }

    public static String shortCommit(String commit) {
        return commit == null ? "-" : commit.length() <= SHORT_COMMIT ? commit : commit.substring(0, SHORT_COMMIT);
    }
}
