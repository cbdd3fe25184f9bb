package io.labctl.module.engine;

import io.labctl.module.CommandResult;
import io.labctl.module.Facts;
import io.labctl.module.Inputs;
import io.labctl.module.ModuleContext;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The server as a module sees it in one run: its name, facts, the run's inputs, and the engine's host (its paths
 * resolve under the host's root, its commands run where the host runs them). lab-agent and the test kit both give a
 * module this context.
 */
public record HostContext(String server, Facts facts, Inputs inputs, Host host) implements ModuleContext {
    @Override
    public Path root() {
        return host.root();
    }

    @Override
    public CommandResult run(List<String> argv, Duration timeout) throws IOException {
        return host.run(argv, timeout);
    }
}
