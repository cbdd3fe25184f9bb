package io.labctl.rbac.internal;

import io.labctl.api.access.Decision;
import io.labctl.protocol.access.Action;
import io.labctl.protocol.access.Permission;

/**
 * One rule as the decision path uses it: the pattern it matches (allow admin already widened to every action), the
 * rule as written and its role, and the decision it yields, built once so that deciding allocates nothing.
 */
record CompiledRule(Permission pattern, String written, String role, Decision decision) {

    /** Allow {@code admin:X} grants every action on X. */
    static CompiledRule allow(Permission written, String role) {
        Permission pattern = Action.ADMIN.wire().equals(written.action()) ? written.withAction(Permission.ANY) : written;
        return new CompiledRule(pattern, written.toString(), role,
                Decision.allow("allowed by " + written + " of role " + role));
    }

    /** A deny denies only what it names: deny {@code admin:X} leaves the other actions on X alone. */
    static CompiledRule deny(Permission written, String role) {
        return new CompiledRule(written, written.toString(), role,
                Decision.deniedBy(role, written.toString()));
    }
}
