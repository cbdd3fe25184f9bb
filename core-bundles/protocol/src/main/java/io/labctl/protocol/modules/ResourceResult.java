package io.labctl.protocol.modules;

/** What the engine did (or would do) with one resource. */
public record ResourceResult(String id, String status, String diff, String reason) {
    public static final String UNCHANGED = "unchanged";
    public static final String CHANGED = "changed";
    public static final String FAILED = "failed";
    public static final String SKIPPED = "skipped";
}
