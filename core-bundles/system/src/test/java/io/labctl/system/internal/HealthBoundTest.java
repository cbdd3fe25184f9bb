package io.labctl.system.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HealthBoundTest {
    @Test
    void theConfiguredBoundIsTakenWithinItsRangeElseTheDefault() {
        assertEquals(20, LabdChanges.healthSeconds(20));
        assertEquals(120, LabdChanges.healthSeconds(120));
        assertEquals(5, LabdChanges.healthSeconds(5));
        assertEquals(600, LabdChanges.healthSeconds(600));
        assertEquals(20, LabdChanges.healthSeconds(0), "0 would roll every upgrade back");
        assertEquals(20, LabdChanges.healthSeconds(86_400), "a day would hold the change lock for a day");
    }
}
