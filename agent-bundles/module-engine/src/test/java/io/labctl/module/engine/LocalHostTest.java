package io.labctl.module.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.labctl.module.CommandResource;
import io.labctl.module.CommandResult;
import io.labctl.module.DesiredState;
import io.labctl.protocol.modules.ResourceResult;

/** Host.local runs real processes on this machine. */
class LocalHostTest {
    @TempDir
    Path root;

    private Host host() {
        return Host.local(root, (name, version) -> {
            throw new IOException("no artifacts here");
        });
    }

    @Test
    void aCommandsExitCodeAndBothStreamsComeBack() throws Exception {
        CommandResult result = host().run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(30));
        assertEquals(new CommandResult(3, "out\n", "err\n"), result);
    }

    @Test
    void aCommandOverItsTimeoutIsKilledAndFails() {
        long start = System.nanoTime();
        IOException e = assertThrows(IOException.class,
                () -> host().run(List.of("sh", "-c", "sleep 30; echo never"), Duration.ofMillis(300)));
        assertTrue(e.getMessage().contains("did not end within"), e.getMessage());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "killed, not waited for");
    }

    @Test
    void aGuardedCommandRunsOnceForReal() throws Exception {
        Path marker = root.resolve("var/lib/app/initialised");
        Files.createDirectories(marker.getParent());
        DesiredState state = Scratch.state(new CommandResource("init", "touch", marker.toString())
                .creates("/var/lib/app/initialised"));
        Engine engine = new Engine(host());
        assertEquals(ResourceResult.CHANGED, Scratch.only(engine.apply(state)).status());
        assertTrue(Files.exists(marker));
        assertEquals(ResourceResult.UNCHANGED, Scratch.only(engine.apply(state)).status());
    }
}
