package io.labctl.pulumi.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import io.labctl.pulumi.engine.EngineOutcome;
import io.labctl.pulumi.engine.EngineRun;
import io.labctl.pulumi.engine.Operation;

/**
 * The driver against the real Pulumi engine: runs only where a pulumi binary is on PATH (none can be had on the build
 * machines, where it shows as skipped). A YAML program with config and outputs only, so no provider plugin is needed.
 */
@EnabledIf("pulumiOnPath")
class PulumiEngineRealTest {
    @TempDir
    Path dir;

    static boolean pulumiOnPath() {
        return PulumiEngineImpl.locate("pulumi") != null;
    }

    @Test
    void upReportsOutputsAndDestroyEmptiesTheStack() throws Exception {
        Path program = Files.createDirectories(dir.resolve("program"));
        Files.writeString(program.resolve("Pulumi.yaml"), """
                name: labctl-real-engine-check
                runtime: yaml
                config:
                  greeting:
                    type: string
                  password:
                    type: string
                outputs:
                  message: ${greeting}
                  count: 3
                  hidden:
                    fn::secret: ${password}
                """);
        Path state = Files.createDirectories(dir.resolve("state"));
        PulumiEngineImpl engine = new PulumiEngineImpl("pulumi", dir.resolve("home"), Duration.ofSeconds(30));
        assertTrue(engine.status().available(), engine.status().problem());
        List<String> lines = new CopyOnWriteArrayList<>();
        EngineRun up = new EngineRun(Operation.UP, "labctl-real-engine-check", "dev", program, state.toUri().toString(),
                "a passphrase for the real engine", Map.of("greeting", "hello", "password", "s3cret-value"),
                Set.of("password"), Map.of());
        EngineOutcome outcome = engine.run(new EngineRun(Operation.PREVIEW, up.project(), up.stack(), program,
                up.backendUrl(), up.passphrase(), up.config(), up.secretKeys(), up.environment()), lines::add);
        assertEquals(Map.of("create", 1), outcome.changes(), "the stack resource: " + lines);
        outcome = engine.run(up, lines::add);
        assertEquals(Map.of("create", 1), outcome.changes(), lines.toString());
        assertEquals(new EngineOutcome.Output("\"hello\"", false), outcome.outputs().get("message"));
        assertEquals(new EngineOutcome.Output("3", false), outcome.outputs().get("count"));
        assertTrue(outcome.outputs().get("hidden").secret());
        assertEquals(Map.of("same", 1), engine.run(up, lines::add).changes());
        EngineOutcome destroyed = engine.run(new EngineRun(Operation.DESTROY, up.project(), up.stack(), program,
                up.backendUrl(), up.passphrase(), up.config(), up.secretKeys(), up.environment()), lines::add);
        assertEquals(Map.of("delete", 1), destroyed.changes(), lines.toString());
        assertTrue(lines.stream().noneMatch(l -> l.contains("s3cret-value") || l.contains("a passphrase for")));
    }
}
