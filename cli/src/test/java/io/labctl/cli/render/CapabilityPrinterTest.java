package io.labctl.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.labctl.protocol.CapabilityInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapabilityPrinterTest {
    @Test
    void everyCapabilityIsOneRowWithItsSchemaVersionAndTheReasonWhenNotActive() {
        String table = CapabilityPrinter.table(List.of(
                new CapabilityInfo("labd-exec", "0.2.0", "not-installed", null, null, null),
                new CapabilityInfo("labd-provisioning", "0.2.0", "failed", "its schema migration failed: V2 (x) failed", "provisioning", "1"),
                new CapabilityInfo("labd-tokens", "0.2.0", "active", null, "tokens", "1"),
                new CapabilityInfo("labd-audit", "0.2.0", "starting", "its schema is being migrated", "audit", null)));
        assertEquals(List.of(
                "NAME                VERSION   STATE           SCHEMA            REASON",
                "labd-exec           0.2.0     not-installed   <none>            <none>",
                "labd-provisioning   0.2.0     failed          provisioning v1   its schema migration failed: V2 (x) failed",
                "labd-tokens         0.2.0     active          tokens v1         <none>",
                "labd-audit          0.2.0     starting        audit             its schema is being migrated"),
                table.lines().map(String::stripTrailing).toList());
    }
}
