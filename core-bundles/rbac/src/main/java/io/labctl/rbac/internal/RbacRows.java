package io.labctl.rbac.internal;

import java.time.Instant;

/** Rows of the access-control tables as MyBatis fills them. */
public final class RbacRows {
    private RbacRows() {}

    /** One row of users. */
    public static class UserRow {
        public String id;
        public String username;
        public String certFingerprint;
        public Instant createdAt;
        public String createdBy;
    }

    /** One row of roles. */
    public static class RoleRow {
        public String id;
        public String name;
        public String description;
        public boolean builtin;
        public Instant createdAt;
        public String createdBy;
        /** Newline-separated globs, or null for labd's default. */
        public String logPaths;
    }

    /** One rule with the name of its role. */
    public static class RuleRow {
        public String role;
        public String effect;
        public String permission;
    }

    /** One binding by names. */
    public static class BindingRow {
        public String username;
        public String role;
    }
}
