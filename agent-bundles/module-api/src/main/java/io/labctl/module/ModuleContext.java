package io.labctl.module;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

@org.osgi.annotation.versioning.ProviderType
public interface ModuleContext {
    String server();

    Facts facts();

    Inputs inputs();

    Path root();

    CommandResult run(List<String> argv, Duration timeout) throws IOException;
}
