package io.labctl.module.engine.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import io.labctl.module.CommandResult;
import io.labctl.module.engine.ArtifactSource;
import io.labctl.module.engine.Host;

/** A folder standing in for a machine's root: files only, no command ever runs. */
public final class ScratchHost implements Host {
    private final Path root;
    private final ArtifactSource artifacts;

    public ScratchHost(Path root, ArtifactSource artifacts) {
        this.root = root.toAbsolutePath().normalize();
        this.artifacts = Objects.requireNonNull(artifacts, "artifacts");
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public CommandResult run(List<String> argv, Duration timeout) throws IOException {
        throw new IOException("needs a real machine: '" + String.join(" ", argv)
                + "' cannot run on a scratch root (" + root + "); test it on a machine");
    }

    @Override
    public InputStream artifact(String name, String version) throws IOException {
        return artifacts.open(name, version);
    }
}
