package io.labctl.agent.modules.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One module run at a time on this agent (two runs could fight over the same files and services, as Salt and Puppet
 * know). A second run waits, first come first served, while its stream is open and for at most a bound; then it is
 * refused with {@link ModuleRunException#BUSY}, naming the run it waited for.
 */
final class RunSlot {
    private static final long POLL_MILLIS = 200;

    private final Semaphore slot = new Semaphore(1, true);
    private final Duration maxWait;
    private volatile String holder;
    private volatile Instant heldSince;

    RunSlot(Duration maxWait) {
        this.maxWait = maxWait;
    }

    /**
     * Takes the slot for a run; false if the stream ended while waiting (nobody to tell).
     *
     * @throws ModuleRunException BUSY when the wait exceeded the bound
     */
    boolean acquire(String run, BooleanSupplier stillWanted) throws ModuleRunException, InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (!slot.tryAcquire(Math.min(POLL_MILLIS, Math.max(0, deadline - System.nanoTime()) / 1_000_000 + 1),
                TimeUnit.MILLISECONDS)) {
            if (!stillWanted.getAsBoolean()) {
                return false;
            }
            if (System.nanoTime() >= deadline) {
                throw new ModuleRunException(ModuleRunException.BUSY, "this agent runs one module at a time, and "
                        + holder + " has been running since " + heldSince + "; " + run + " waited "
                        + maxWait.toSeconds() + " s. Try again when it has finished");
            }
        }
        holder = run;
        heldSince = Instant.now();
        return true;
    }

    void release() {
        holder = null;
        heldSince = null;
        slot.release();
    }
}
