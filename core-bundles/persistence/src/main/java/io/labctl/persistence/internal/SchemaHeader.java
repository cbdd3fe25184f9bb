package io.labctl.persistence.internal;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code Labctl-Schema} manifest header: {@code <capability>[;legacy-baseline=<version>]}. The capability's
 * migrations are the bundle's {@code db/<capability>/V<n>__<what>.sql}. {@code legacy-baseline} says that the
 * capability's migrations up to that version are exactly what labd 0.1's shared schema history created (its
 * {@code flyway_schema_history} at version 5): on such a database they are recorded as applied, not run.
 */
record SchemaHeader(String capability, Optional<String> legacyBaseline) {
    static final String NAME = "Labctl-Schema";
    static final String LEGACY_BASELINE = "legacy-baseline";
    private static final Pattern CAPABILITY = Pattern.compile("[a-z][a-z0-9_]{0,39}");
    private static final Pattern VERSION = Pattern.compile("[0-9]+(\\.[0-9]+)*");

    static SchemaHeader parse(String header) {
        String[] parts = header.split(";");
        String capability = parts[0].strip();
        if (!CAPABILITY.matcher(capability).matches()) {
            throw new IllegalArgumentException(NAME + ": '" + capability + "' is not a capability name (lower-case"
                    + " letters, digits and '_', starting with a letter, at most 40)");
        }
        Optional<String> baseline = Optional.empty();
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            String key = kv[0].strip();
            String value = kv.length == 2 ? kv[1].strip().replace("\"", "") : "";
            if (!key.equals(LEGACY_BASELINE) || !VERSION.matcher(value).matches()) {
                throw new IllegalArgumentException(NAME + ": '" + parts[i].strip() + "' is not understood (the one"
                        + " attribute is " + LEGACY_BASELINE + "=<version>, e.g. " + LEGACY_BASELINE + "=1)");
            }
            baseline = Optional.of(value);
        }
        return new SchemaHeader(capability, baseline);
    }

    /** The capability's own Flyway history table. */
    String historyTable() {
        return "flyway_history_" + capability;
    }

    /** Where its migrations are, in the bundle. */
    String folder() {
        return "db/" + capability;
    }
}
