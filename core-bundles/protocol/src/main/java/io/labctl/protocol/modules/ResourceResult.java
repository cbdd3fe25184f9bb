package io.labctl.protocol.modules;

/**
 * What a module run did to one resource.
 *
 * @param id     the resource's id, {@code type:key} (e.g. {@code file:/etc/motd})
 * @param status {@link #UNCHANGED}, {@link #CHANGED}, {@link #FAILED} or {@link #SKIPPED}
 * @param diff   for a change: a unified-style diff of a text file, or a one-line summary such as
 *               {@code mode 0644 -> 0600}; {@code content changed (sensitive, not shown)} for sensitive content; null
 *               when unchanged
 * @param reason why it failed or was skipped; null otherwise
 */
public record ResourceResult(String id, String status, String diff, String reason) {
    public static final String UNCHANGED = "unchanged";
    public static final String CHANGED = "changed";
    public static final String FAILED = "failed";
    public static final String SKIPPED = "skipped";

    public static ResourceResult unchanged(String id) {
        return new ResourceResult(id, UNCHANGED, null, null);
    }

    public static ResourceResult changed(String id, String diff) {
        return new ResourceResult(id, CHANGED, diff, null);
    }

    public static ResourceResult failed(String id, String reason) {
        return new ResourceResult(id, FAILED, null, reason);
    }

    public static ResourceResult skipped(String id, String reason) {
        return new ResourceResult(id, SKIPPED, null, reason);
    }
}
