package io.labctl.pulumi.engine.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import io.labctl.pulumi.engine.EngineRun;
import io.labctl.pulumi.engine.Operation;

/**
 * Not a test: bench/pulumi-engine-overhead.sh runs it. The driver's own time around the engine, with the stand-in
 * engine: a run's wall time minus the time its engine processes ran, and the engine invocations a run makes.
 */
public final class EngineOverheadBench {
    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path standin = Path.of(args.length > 1 ? args[1] : "target/standin/pulumi").toAbsolutePath();
        Path dir = Files.createTempDirectory("labctl-pulumi-bench");
        Path program = Files.createDirectories(dir.resolve("program"));
        Files.writeString(program.resolve("Pulumi.yaml"), "name: bench\nruntime: yaml\nresources:\n  a:\n"
                + "    type: test:index:Thing\n    properties:\n      size: ${size}\noutputs:\n  size: ${size}\n");
        PulumiEngineImpl engine = new PulumiEngineImpl(standin.toString(), dir.resolve("home"), Duration.ofSeconds(5));
        System.out.println("run  wall_ms  engine_ms  driver_ms  before_first_ms  after_last_ms  invocations");
        for (int i = 0; i <= runs; i++) {
            EngineRun run = new EngineRun(Operation.UP, "bench", "dev", program,
                    Files.createDirectories(dir.resolve("state")).toUri().toString(), "bench passphrase",
                    Map.of("size", String.valueOf(i)), Set.of(), Map.of());
            long start = System.nanoTime();
            engine.run(run, line -> { });
            long end = System.nanoTime();
            long[] t = engine.lastTimings; // invocations, engine nanos, first start, last exit
            // run 0 creates the stack (one invocation more); runs 1.. each change one property
            System.out.printf("%3d  %7d  %9d  %9d  %15d  %13d  %11d%n", i, ms(end - start), ms(t[1]),
                    ms(end - start - t[1]), ms(t[2] - start), ms(end - t[3]), t[0]);
        }
    }
}
