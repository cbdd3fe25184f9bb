package io.labctl.module.engine.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Objects;

import io.labctl.module.engine.ArtifactSource;
import io.labctl.module.engine.Host;

/** What every host of the engine has: a root its paths resolve under and the source its artifacts come from. */
abstract class RootedHost implements Host {
    private final Path root;
    private final ArtifactSource artifacts;

    RootedHost(Path root, ArtifactSource artifacts) {
        this.root = root.toAbsolutePath().normalize();
        this.artifacts = Objects.requireNonNull(artifacts, "artifacts");
    }

    @Override
    public final Path root() {
        return root;
    }

    @Override
    public final InputStream artifact(String name, String version) throws IOException {
        return artifacts.open(name, version);
    }
}
