package io.labctl.agent.modules.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RunSlotTest {
    @Test
    void aSecondRunWaitsForTheFirst() throws Exception {
        RunSlot slot = new RunSlot(Duration.ofSeconds(30));
        assertTrue(slot.acquire("first", () -> true));
        CompletableFuture<Boolean> second = CompletableFuture.supplyAsync(() -> {
            try {
                return slot.acquire("second", () -> true);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        assertFalse(second.isDone(), "waits while the first runs");
        slot.release();
        assertTrue(second.get(10, TimeUnit.SECONDS), "runs once the first is done");
    }

    @Test
    void givesUpWhenTheStreamEndsOrTheBoundPasses() throws Exception {
        RunSlot slot = new RunSlot(Duration.ofMillis(500));
        assertTrue(slot.acquire("apply k3s-server@1.0.0 (run r1)", () -> true));
        assertFalse(slot.acquire("second", () -> false), "labd went away: no run, nobody to tell");
        var busy = assertThrows(ModuleRunException.class, () -> slot.acquire("plan lab-agent@1.0.0 (run r2)", () -> true));
        assertEquals(ModuleRunException.BUSY, busy.code());
        assertTrue(busy.getMessage().contains("apply k3s-server@1.0.0 (run r1) has been running since"), busy.getMessage());
    }
}
