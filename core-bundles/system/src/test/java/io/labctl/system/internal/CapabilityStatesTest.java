package io.labctl.system.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.persistence.SchemaState;
import io.labctl.persistence.SchemaState.Status;
import io.labctl.protocol.CapabilityInfo;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class CapabilityStatesTest {
    private static final BundleFacts TOKENS = new BundleFacts("io.labctl.tokens", true, "active", "tokens", List.of());

    private static Function<String, Optional<SchemaState>> schemas(SchemaState... states) {
        Map<String, SchemaState> byName = new java.util.HashMap<>();
        for (SchemaState s : states) {
            byName.put(s.capability(), s);
        }
        return name -> Optional.ofNullable(byName.get(name));
    }

    private static SchemaState tokens(Status status, String version, String problem) {
        return new SchemaState("tokens", "io.labctl.tokens", "0.1.0", status, version, problem);
    }

    @Test
    void anActiveCapabilityReportsItsSchemaVersion() {
        CapabilityInfo info = CapabilityStates.of("labd-tokens", "0.1.0", true, List.of(TOKENS),
                schemas(tokens(Status.CURRENT, "1", "")));
        assertEquals(new CapabilityInfo("labd-tokens", "0.1.0", "active", null, "tokens", "1"), info);
    }

    @Test
    void aFailedMigrationIsTheReasonAndItsWaitingComponentsAreNotRepeated() {
        BundleFacts waiting = new BundleFacts("io.labctl.tokens", true, "active", "tokens",
                List.of("component TokenService waits for io.labctl.persistence.Schema (labctl.schema=tokens)"));
        CapabilityInfo info = CapabilityStates.of("labd-tokens", "0.1.0", true, List.of(waiting),
                schemas(tokens(Status.FAILED, "", "migration V1 (join tokens) failed: relation exists")));
        assertEquals("failed", info.state());
        assertEquals("its schema migration failed: migration V1 (join tokens) failed: relation exists", info.reason());
        assertNull(info.schemaVersion());
        assertEquals("tokens", info.schema());
    }

    @Test
    void aBundleThatDidNotStartAndWaitingComponentsFailTheCapability() {
        CapabilityInfo stopped = CapabilityStates.of("labd-logs", "0.1.0", true,
                List.of(new BundleFacts("io.labctl.logs", false, "resolved", null, List.of())), schemas());
        assertEquals("failed", stopped.state());
        assertTrue(stopped.reason().contains("bundle io.labctl.logs is resolved, not active"), stopped.reason());
        CapabilityInfo waiting = CapabilityStates.of("labd-registry", "0.1.0", true, List.of(new BundleFacts(
                "io.labctl.registry", true, "active", null, List.of("component Enrolment waits for io.labctl.api.JoinTokens"))), schemas());
        assertEquals(new CapabilityInfo("labd-registry", "0.1.0", "failed", "component Enrolment waits for io.labctl.api.JoinTokens",
                null, null), waiting);
    }

    @Test
    void notInstalledAndMigratingAndUnknownSchemaStates() {
        assertEquals(new CapabilityInfo("labd-exec", "0.1.0", "not-installed", null, null, null),
                CapabilityStates.of("labd-exec", "0.1.0", false, List.of(), schemas()));
        assertEquals("starting", CapabilityStates.of("labd-tokens", "0.1.0", true, List.of(TOKENS),
                schemas(tokens(Status.MIGRATING, "", ""))).state());
        CapabilityInfo unknown = CapabilityStates.of("labd-tokens", "0.1.0", true, List.of(TOKENS), null);
        assertEquals("failed", unknown.state());
        assertTrue(unknown.reason().contains("schema extender is not running"), unknown.reason());
    }
}
