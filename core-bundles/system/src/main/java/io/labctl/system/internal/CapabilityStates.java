package io.labctl.system.internal;

import io.labctl.persistence.SchemaState;
import io.labctl.protocol.CapabilityInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Decides one capability's state from what the features service, the framework, DS and the persistence bundle say:
 * not installed; failed (a bundle that did not start, a failed schema migration, components that wait or failed);
 * starting (its schema is migrating); else active.
 */
final class CapabilityStates {
    private CapabilityStates() {}

    /**
     * schemas: the persistence bundle's state of a capability's schema; null when the persistence bundle's
     * schema extender is not running.
     */
    static CapabilityInfo of(String feature, String version, boolean installed, List<BundleFacts> bundles,
            Function<String, Optional<SchemaState>> schemas) {
        if (!installed) {
            return new CapabilityInfo(feature, version, CapabilityInfo.NOT_INSTALLED, null, null, null);
        }
        List<String> failures = new ArrayList<>();
        String schema = null;
        String schemaVersion = null;
        boolean migrating = false;
        for (BundleFacts b : bundles) {
            if (b.symbolicName() == null) {
                failures.add("one of its bundles is not installed; reinstall the feature (feature:install " + feature + ")");
                continue;
            }
            if (!b.active()) {
                failures.add("bundle " + b.symbolicName() + " is " + b.stateName() + ", not active: it did not start"
                        + " (labd's log says why; bundle:diag " + b.symbolicName() + ")");
                continue;
            }
            if (b.schema() != null) {
                schema = b.schema();
                Optional<SchemaState> state = schemas == null ? null : schemas.apply(b.schema());
                if (state == null) {
                    failures.add("its schema's state is unknown: the persistence bundle's schema extender is not"
                            + " running (labd's log says why)");
                    continue;
                }
                if (state.isEmpty()) {
                    migrating = true;
                    continue;
                }
                schemaVersion = state.get().version().isEmpty() ? null : state.get().version();
                switch (state.get().status()) {
                    case FAILED -> {
                        failures.add("its schema migration failed: " + state.get().problem());
                        continue;
                    }
                    case MIGRATING -> {
                        migrating = true;
                        continue;
                    }
                    case CURRENT -> { }
                }
            }
            failures.addAll(b.componentProblems());
        }
        if (!failures.isEmpty()) {
            return new CapabilityInfo(feature, version, CapabilityInfo.FAILED, String.join("; ", failures), schema, schemaVersion);
        }
        if (migrating) {
            return new CapabilityInfo(feature, version, CapabilityInfo.STARTING, "its schema is being migrated", schema, schemaVersion);
        }
        return new CapabilityInfo(feature, version, CapabilityInfo.ACTIVE, null, schema, schemaVersion);
    }
}
