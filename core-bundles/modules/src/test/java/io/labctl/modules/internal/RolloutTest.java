package io.labctl.modules.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.protocol.InvalidInput;
import io.labctl.protocol.modules.ApplyEvent;
import io.labctl.protocol.modules.ModuleReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Assertions;

/** Batches, bounded parallelism and max failures, with per-server work that only records what happened. */
class RolloutTest {
    private static final List<String> SIX = List.of("s1", "s2", "s3", "s4", "s5", "s6");

    private final List<String> order = Collections.synchronizedList(new ArrayList<>());
    private final List<ApplyEvent> events = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();

    private Function<String, Outcome> work(Set<String> failing) {
        return server -> {
            order.add("start " + server);
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            order.add("end " + server);
            ModuleReport r = new ModuleReport(server, "m", "1.0.0", "apply", "r", List.of(), failing.contains(server) ? 0 : 1,
                    failing.contains(server) ? 1 : 0, 0, 0, null, Instant.now(), Instant.now());
            return Outcome.of(server, "r", r);
        };
    }

    private Rollout.Tally run(int parallelism, int batch, int maxFailures, Set<String> failing) {
        return new Rollout(parallelism).run(SIX, batch, maxFailures, work(failing), new Rollout.Events(events::add, SIX.size()));
    }

    @Test
    void aBatchStartsOnlyOnceThePreviousOneEnded() {
        Rollout.Tally t = run(16, 2, 0, Set.of());
        assertEquals(6, t.changed());
        for (int batch = 1; batch < 3; batch++) {
            int lastEndOfPrevious = 0;
            for (int i = 0; i < batch * 2; i++) {
                lastEndOfPrevious = Math.max(lastEndOfPrevious, order.indexOf("end " + SIX.get(i)));
            }
            for (int i = batch * 2; i < batch * 2 + 2; i++) {
                assertTrue(order.indexOf("start " + SIX.get(i)) > lastEndOfPrevious, order.toString());
            }
        }
        assertTrue(maxRunning.get() <= 2, "at most one batch at a time: " + maxRunning.get());
    }

    @Test
    void withoutBatchesTheParallelismBoundsHowManyRunAtOnce() {
        run(3, SIX.size(), 0, Set.of());
        assertTrue(maxRunning.get() <= 3, "max running " + maxRunning.get());
        assertEquals(6, events.stream().filter(e -> e.type().equals(ApplyEvent.RESULT)).count());
        assertEquals(6, events.get(events.size() - 1).done());
        assertEquals(6, events.get(events.size() - 1).total());
    }

    @Test
    void theFirstFailureStopsNewServersByDefault() {
        Rollout.Tally t = run(1, 1, 0, Set.of("s2"));
        assertEquals(1, t.changed());
        assertEquals(1, t.failed());
        assertEquals(4, t.notRun());
        assertEquals(List.of("start s1", "end s1", "start s2", "end s2"), order);
        List<ApplyEvent> notRun = events.stream().filter(e -> e.type().equals(ApplyEvent.EXCLUDED)).toList();
        assertEquals(List.of("s3", "s4", "s5", "s6"), notRun.stream().map(ApplyEvent::server).toList());
        assertTrue(notRun.get(0).message().startsWith("not run: 1 server(s) failed"), notRun.get(0).message());
    }

    @Test
    void maxFailuresLetsThatManyFailAndGoesOn() {
        Rollout.Tally t = run(1, 1, 1, Set.of("s2", "s4"));
        assertEquals(2, t.failed());
        assertEquals(2, t.changed(), "s1 and s3 ran; after the second failure nothing starts");
        assertEquals(2, t.notRun());
    }

    @Test
    void aGateThatStopsEndsTheRolloutBeforeAnyFurtherServerOrBatch() {
        AtomicInteger asked = new AtomicInteger();
        // access withdrawn while s3 runs: s3's batch-mate s4 has started and finishes; nothing after them starts
        Rollout.Gate gate = server -> {
            asked.incrementAndGet();
            return order.contains("start s3") ? "access withdrawn: alice may no longer apply" : null;
        };
        List<String> notRunHere = Collections.synchronizedList(new ArrayList<>());
        Rollout.Tally t = new Rollout(1).run(SIX, 2, 0, work(Set.of()), notRunHere::add, gate,
                new Rollout.Events(events::add, SIX.size()));
        assertEquals(3, t.changed(), order.toString());
        assertEquals(List.of("start s1", "end s1", "start s2", "end s2", "start s3", "end s3"), order);
        assertEquals(3, t.notRun());
        assertEquals("access withdrawn: alice may no longer apply", t.stopped());
        assertEquals(List.of("s4", "s5", "s6"), notRunHere);
        List<ApplyEvent> denied = events.stream().filter(e -> e.type().equals(ApplyEvent.DENIED)).toList();
        assertEquals(List.of("s4", "s5", "s6"), denied.stream().map(ApplyEvent::server).toList());
        assertEquals("not run: access withdrawn: alice may no longer apply", denied.get(0).message());
        assertEquals(4, asked.get(), "asked before each of s1..s4; once stopped, not asked again");
    }

    @Test
    void batchSizesAndTheirErrors() {
        assertEquals(10, Batches.size(null, 10));
        assertEquals(3, Batches.size("3", 10));
        assertEquals(2, Batches.size("25%", 10));
        assertEquals(1, Batches.size("10%", 3), "a percentage of few servers still moves one at a time");
        InvalidInput e = Assertions.assertThrows(InvalidInput.class, () -> Batches.size("0", 10));
        assertTrue(e.getMessage().contains("--batch 25%"), e.getMessage());
        Assertions.assertThrows(InvalidInput.class, () -> Batches.size("150%", 10));
        Assertions.assertThrows(InvalidInput.class, () -> Batches.size("two", 10));
        Assertions.assertThrows(InvalidInput.class, () -> Batches.maxFailures(-1));
        assertEquals(0, Batches.maxFailures(null));
    }
}
