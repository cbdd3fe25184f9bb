package io.labctl.rbac.internal;

import io.labctl.api.ApiException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The log path globs of roles: how they are checked and how they are stored (one per line). */
final class LogPaths {
    static final int MAX_PATHS = 64;
    static final int MAX_LENGTH = 4096;

    private LogPaths() {
    }

    /** Absolute path globs, at most 64 of at most 4096 characters; anything else is refused with the reason. */
    static List<String> validate(List<String> globs) {
        List<String> out = new ArrayList<>();
        for (String g : globs == null ? List.<String>of() : globs) {
            String glob = g == null ? "" : g.strip();
            if (!glob.startsWith("/") || glob.length() > MAX_LENGTH || glob.indexOf('\n') >= 0 || glob.indexOf('\0') >= 0) {
                throw ApiException.badRequest("invalid-log-path", "log path '" + g + "' must be an absolute path glob,"
                        + " e.g. /var/log/** or /srv/app/*.log");
            }
            if (!out.contains(glob)) {
                out.add(glob);
            }
        }
        if (out.size() > MAX_PATHS) {
            throw ApiException.badRequest("invalid-log-path", "a role has at most " + MAX_PATHS + " log paths");
        }
        return out;
    }

    static List<String> split(String stored) {
        return stored == null || stored.isBlank() ? List.of()
                : Arrays.stream(stored.split("\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
