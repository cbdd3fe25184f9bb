package io.labctl.protocol.access;

import java.util.List;

/**
 * Request to create a role: allow and deny rules, each a {@link Permission} string, and optionally the path globs
 * its users may follow with {@code labctl logs --file} (empty: labd's default, {@code /var/log/**}).
 */
public record RoleSpec(String name, String description, List<String> allow, List<String> deny, List<String> logPaths) {
    public RoleSpec {
        allow = allow == null ? List.of() : List.copyOf(allow);
        deny = deny == null ? List.of() : List.copyOf(deny);
        logPaths = logPaths == null ? List.of() : List.copyOf(logPaths);
    }

    public RoleSpec(String name, String description, List<String> allow, List<String> deny) {
        this(name, description, allow, deny, List.of());
    }
}
