package io.labctl.module.engine;

import io.labctl.module.CommandResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

public interface Host {
    Path root();

    CommandResult run(List<String> argv, Duration timeout) throws IOException;

    InputStream artifact(String name, String version) throws IOException;

    static Host scratch(Path root, ArtifactSource artifacts) {
        throw new UnsupportedOperationException("stand-in");
    }

    static Host local(Path root, ArtifactSource artifacts) {
        throw new UnsupportedOperationException("stand-in");
    }
}
