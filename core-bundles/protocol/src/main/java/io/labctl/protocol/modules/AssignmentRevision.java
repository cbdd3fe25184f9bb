package io.labctl.protocol.modules;

import java.time.Instant;
import java.util.Map;

/**
 * One revision of a module's assignments (numbered per module). inputs as given, secret ones as {@link #MASK}.
 * action: apply, rollback or remove.
 */
public record AssignmentRevision(int revision, String module, String version, String selector,
                                 Map<String, String> inputs, boolean enforce, String action, String by, Instant at) {
    public static final String MASK = "******";
    public static final String APPLY = "apply";
    public static final String ROLLBACK = "rollback";
    public static final String REMOVE = "remove";
}
