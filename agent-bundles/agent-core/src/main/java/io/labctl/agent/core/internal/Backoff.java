package io.labctl.agent.core.internal;

import java.util.random.RandomGenerator;

/**
 * Full-jitter exponential backoff: the n-th retry waits a random time between the minimum and min * 2^n (capped
 * at the maximum), so a fleet of agents that lost labd at the same moment does not come back at the same moment.
 */
final class Backoff {
    private final long minMillis;
    private final long maxMillis;
    private final RandomGenerator random;
    private int attempts;

    Backoff(long minMillis, long maxMillis, RandomGenerator random) {
        this.minMillis = Math.max(1, minMillis);
        this.maxMillis = Math.max(this.minMillis, maxMillis);
        this.random = random;
    }

    /** The upper bound of the next delay. */
    synchronized long ceiling() {
        long ceiling = minMillis;
        for (int i = 0; i < attempts && ceiling < maxMillis; i++) {
            ceiling *= 2;
        }
        return Math.min(ceiling, maxMillis);
    }

    /** The delay before the next retry; each call widens the window for the one after. */
    synchronized long nextDelayMillis() {
        long ceiling = ceiling();
        attempts = Math.min(attempts + 1, 62);
        return ceiling == minMillis ? minMillis : random.nextLong(minMillis, ceiling + 1);
    }

    /** Jumps straight to the widest window (labd told us to go away: come back slowly). */
    synchronized void slowest() {
        attempts = 62;
    }

    synchronized void reset() {
        attempts = 0;
    }

    long minMillis() {
        return minMillis;
    }

    long maxMillis() {
        return maxMillis;
    }
}
