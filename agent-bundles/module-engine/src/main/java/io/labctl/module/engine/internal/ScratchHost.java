package io.labctl.module.engine.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.labctl.module.CommandResult;
import io.labctl.module.engine.ArtifactSource;

/** A folder standing in for a machine's root: files only, no command ever runs. */
public final class ScratchHost extends RootedHost {
    public ScratchHost(Path root, ArtifactSource artifacts) {
        super(root, artifacts);
    }

    @Override
    public CommandResult run(List<String> argv, Duration timeout) throws IOException {
        throw new IOException("needs a real machine: '" + String.join(" ", argv)
                + "' cannot run on a scratch root (" + root() + "); test it on a machine");
    }
}
