package io.labctl.module.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.labctl.module.DesiredState;
import io.labctl.module.DirectoryResource;
import io.labctl.module.FileResource;
import io.labctl.module.LineResource;

/**
 * The engine's share of a drift check (goal: 100 ms for the whole check on one server): a plan of the benchmark's
 * file-level state, 5 directories, 50 files and a line. Asserted at 5x the goal, as CI shares its cores.
 */
class DriftCheckTimeTest {
    @TempDir
    Path root;

    @Test
    void aPlanOfTheBenchmarkStateTakesFarLessThanTheDriftCheckGoal() throws Exception {
        Scratch s = new Scratch(root);
        s.write("/etc/hosts", "127.0.0.1 localhost\n");
        DesiredState state = new DesiredState();
        for (int d = 0; d < 5; d++) {
            state.add(new DirectoryResource("/srv/bench/d" + d).mode(0755));
        }
        for (int f = 0; f < 50; f++) {
            state.add(new FileResource("/srv/bench/d" + (f % 5) + "/file" + f + ".conf")
                    .content("# file " + f + "\nkey=value-" + f + "\n".repeat(1 + f % 3)).mode(0644)
                    .requires("directory:/srv/bench/d" + (f % 5)));
        }
        state.add(new LineResource("/etc/hosts", "10.0.0.1 labd"));
        assertEquals(56, s.engine.apply(state).changed());

        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            assertEquals(0, s.engine.plan(state).changed());
            best = Math.min(best, System.nanoTime() - start);
        }
        long millis = best / 1_000_000;
        System.out.println("plan of 56 unchanged file-level resources: " + millis + " ms (best of 5)");
        assertTrue(millis < 500, "a plan took " + millis + " ms");
    }
}
