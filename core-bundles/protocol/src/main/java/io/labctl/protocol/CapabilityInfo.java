package io.labctl.protocol;

/**
 * One of labd's capabilities (a {@code labd-*} feature) as {@code GET /api/v1/system/features} reports it.
 *
 * @param name the feature's name ({@code labd-tokens})
 * @param version the feature's version
 * @param state {@link #ACTIVE}, {@link #STARTING}, {@link #FAILED} or {@link #NOT_INSTALLED}
 * @param reason on failed or starting: why, and what to do; null otherwise
 * @param schema the capability whose tables it owns ({@code tokens}), null when it owns none
 * @param schemaVersion the version that schema's history reached, null before its first migration succeeded
 */
public record CapabilityInfo(String name, String version, String state, String reason, String schema, String schemaVersion) {
    public static final String ACTIVE = "active";
    public static final String STARTING = "starting";
    public static final String FAILED = "failed";
    public static final String NOT_INSTALLED = "not-installed";

    /** For tables: {@code tokens v1}; {@code tokens} before its first migration; empty when it owns no tables. */
    public String schemaLabel() {
        if (schema == null) {
            return "";
        }
        return schemaVersion == null ? schema : schema + " v" + schemaVersion;
    }
}
