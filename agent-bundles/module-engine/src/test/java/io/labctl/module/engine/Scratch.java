package io.labctl.module.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.labctl.module.DesiredState;
import io.labctl.module.Resource;
import io.labctl.protocol.modules.ResourceResult;

/** A scratch root with an engine on it, and the assertions every engine test makes. */
final class Scratch {
    final Path root;
    final Map<String, byte[]> artifacts = new HashMap<>();
    final Host host;
    final Engine engine;

    Scratch(Path root) {
        this(root, null);
    }

    Scratch(Path root, io.labctl.module.ModuleContext context) {
        this.root = root;
        this.host = Host.scratch(root, (name, version) -> {
            byte[] bytes = artifacts.get(name + "/" + version);
            if (bytes == null) {
                throw new IOException("no artifact " + name + "/" + version);
            }
            return new ByteArrayInputStream(bytes);
        });
        this.engine = new Engine(host, context);
    }

    Path path(String machinePath) {
        return root.resolve(machinePath.substring(1));
    }

    String read(String machinePath) throws IOException {
        return Files.readString(path(machinePath), StandardCharsets.UTF_8);
    }

    void write(String machinePath, String content) throws IOException {
        Files.createDirectories(path(machinePath).getParent());
        Files.writeString(path(machinePath), content);
    }

    static DesiredState state(Resource... resources) {
        DesiredState state = new DesiredState();
        for (Resource r : resources) {
            state.add(r);
        }
        return state;
    }

    /** Applies once (expecting every resource changed), then again (expecting every resource unchanged). */
    EngineRun applyTwice(DesiredState state) {
        EngineRun first = engine.apply(state);
        assertEquals(state.resources().size(), first.changed(), () -> "first apply: " + first.results());
        EngineRun second = engine.apply(state);
        assertEquals(List.of(), second.results().stream().filter(r -> !ResourceResult.UNCHANGED.equals(r.status()))
                .toList(), "second apply changes nothing");
        assertEquals(0, engine.plan(state).changed(), "a plan after it sees nothing to do");
        return first;
    }

    static ResourceResult only(EngineRun run) {
        assertEquals(1, run.results().size(), () -> run.results().toString());
        return run.results().get(0);
    }
}
