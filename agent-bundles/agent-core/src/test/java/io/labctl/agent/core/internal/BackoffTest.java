package io.labctl.agent.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void delaysStayWithinBoundsAndTheWindowGrowsToTheMaximum() {
        Backoff backoff = new Backoff(1000, 60000, new SplittableRandom(42));
        long previousCeiling = 0;
        for (int attempt = 0; attempt < 40; attempt++) {
            long ceiling = backoff.ceiling();
            assertTrue(ceiling >= previousCeiling, "the window never shrinks");
            long delay = backoff.nextDelayMillis();
            assertTrue(delay >= 1000 && delay <= ceiling && delay <= 60000, "delay " + delay + " out of bounds");
            previousCeiling = ceiling;
        }
        assertEquals(60000, backoff.ceiling());
        assertEquals(1000, new Backoff(1000, 60000, new SplittableRandom()).nextDelayMillis(), "first retry is quick");
    }

    @Test
    void laterDelaysAreLongerOnAverage() {
        SplittableRandom random = new SplittableRandom(7);
        long early = 0;
        long late = 0;
        for (int run = 0; run < 200; run++) {
            Backoff backoff = new Backoff(100, 10000, random);
            backoff.nextDelayMillis();
            early += backoff.nextDelayMillis();
            for (int i = 0; i < 8; i++) {
                backoff.nextDelayMillis();
            }
            late += backoff.nextDelayMillis();
        }
        assertTrue(late > early * 5, "early " + early + " late " + late);
    }

    @Test
    void jittersAndResetsAndJumpsToSlowest() {
        Backoff backoff = new Backoff(1000, 60000, new SplittableRandom(1));
        backoff.slowest();
        long a = backoff.nextDelayMillis();
        long b = backoff.nextDelayMillis();
        assertTrue(a >= 1000 && a <= 60000 && b >= 1000 && b <= 60000);
        assertTrue(a != b, "full jitter: agents do not retry in lockstep");
        backoff.reset();
        assertEquals(1000, backoff.ceiling());
    }
}
