package io.labctl.protocol.access;

import java.util.List;

/** Request to create a role: allow and deny rules, each a {@link Permission} string. */
public record RoleSpec(String name, String description, List<String> allow, List<String> deny) {
    public RoleSpec {
        allow = allow == null ? List.of() : List.copyOf(allow);
        deny = deny == null ? List.of() : List.copyOf(deny);
    }
}
