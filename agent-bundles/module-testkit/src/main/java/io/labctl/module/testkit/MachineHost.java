package io.labctl.module.testkit;

import io.labctl.module.CommandResult;
import io.labctl.module.engine.ArtifactSource;
import io.labctl.module.engine.Host;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A {@link Machine} as the engine's host: files through the machine's root file system seen from the host (owners
 * resolved in the machine's own /etc/passwd), commands inside the machine through nsenter.
 */
public final class MachineHost implements Host {
    private final Machine machine;
    private final ArtifactSource artifacts;

    public MachineHost(Machine machine, ArtifactSource artifacts) {
        this.machine = machine;
        this.artifacts = artifacts;
    }

    @Override
    public Path root() {
        return machine.root();
    }

    @Override
    public CommandResult run(List<String> argv, Duration timeout) throws IOException {
        return machine.run(timeout, argv);
    }

    @Override
    public InputStream artifact(String name, String version) throws IOException {
        return artifacts.open(name, version);
    }
}
