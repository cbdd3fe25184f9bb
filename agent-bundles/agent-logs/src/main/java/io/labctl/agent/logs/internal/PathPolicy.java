package io.labctl.agent.logs.internal;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * The files a caller may read: labd's allow-list of path globs ({@code /var/log/**} matches at any depth below
 * /var/log). Checked against real paths (links resolved), so a link cannot lead out of the allowed trees.
 */
final class PathPolicy {
    private final List<String> globs;
    private final List<PathMatcher> matchers = new ArrayList<>();

    PathPolicy(List<String> globs) {
        this.globs = List.copyOf(globs);
        for (String glob : this.globs) {
            try {
                matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
            } catch (RuntimeException e) {
                // a glob the JDK cannot read matches nothing: refusing is the safe side
            }
        }
    }

    boolean allows(Path realPath) {
        for (PathMatcher m : matchers) {
            if (m.matches(realPath)) {
                return true;
            }
        }
        return false;
    }

    /** The refusal for the operator, naming the path as they gave it (not where a link leads). */
    String refusal(String requestedPath) {
        return requestedPath + " is outside the paths your roles may read ("
                + (globs.isEmpty() ? "none" : String.join(", ", globs)) + ")";
    }
}
