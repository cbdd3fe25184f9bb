package io.labctl.protocol.access;

import java.time.Instant;
import java.util.List;

/**
 * A role as listed: its rules and the users bound to it; logPaths are its own log path globs (empty: labd's
 * default). builtin roles cannot be deleted.
 */
public record RoleInfo(String name, String description, List<String> allow, List<String> deny, List<String> users,
                       boolean builtin, Instant createdAt, List<String> logPaths) {
    public RoleInfo {
        logPaths = logPaths == null ? List.of() : List.copyOf(logPaths);
    }

    public RoleInfo(String name, String description, List<String> allow, List<String> deny, List<String> users,
                    boolean builtin, Instant createdAt) {
        this(name, description, allow, deny, users, builtin, createdAt, List.of());
    }
}
