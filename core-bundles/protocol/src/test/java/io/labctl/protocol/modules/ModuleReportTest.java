package io.labctl.protocol.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.labctl.protocol.Json;

class ModuleReportTest {

    private final List<ResourceResult> results = List.of(
            ResourceResult.changed("file:/etc/motd", "--- /etc/motd\n+++ /etc/motd\n@@ -1 +1 @@\n-a\n+b\n"),
            ResourceResult.unchanged("directory:/etc"),
            ResourceResult.unchanged("symlink:/etc/x"),
            ResourceResult.failed("package:nginx", "apt-get install exited with 100"),
            ResourceResult.skipped("service:nginx.service", "not applied: package:nginx failed"));

    @Test
    void countsAreThoseOfTheResources() {
        ModuleReport report = ModuleReport.of("s1", "web", "1.0.0", "apply", "r1", results, "healthy",
                Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:02Z"));
        assertEquals(1, report.changed());
        assertEquals(1, report.failed());
        assertEquals(1, report.skipped());
        assertEquals(2, report.unchanged());
    }

    @Test
    void roundTripsThroughTheWireMappingWithIsoTimesAndNoNulls() throws Exception {
        ModuleReport report = ModuleReport.of("s1", "web", "1.0.0", "plan", "r1", results, null,
                Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:02Z"));
        String json = Json.json().writeValueAsString(report);
        assertTrue(json.contains("\"started\":\"2026-01-01T00:00:00Z\""), json);
        assertFalse(json.contains("\"health\""), json);
        assertEquals(report, Json.json().readValue(json, ModuleReport.class));
    }
}
