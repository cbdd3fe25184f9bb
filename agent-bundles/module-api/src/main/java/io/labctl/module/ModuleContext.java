package io.labctl.module;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** The server a module is applied to: its name, facts and the module's inputs. */
@ProviderType
public interface ModuleContext {
    /** The server's name in labd. */
    String server();

    /** What the agent knows about the machine. */
    Facts facts();

    /** The module's inputs, validated and defaulted by labd. */
    Inputs inputs();

    /**
     * The root the resources' absolute paths are resolved under: {@code /} on a server, a scratch folder in unit
     * tests.
     */
    Path root();

    /**
     * Runs a command on the machine and waits for it (for health checks; state changes belong in resources).
     *
     * @throws IOException when it cannot be started or did not end within the timeout
     */
    CommandResult run(List<String> argv, Duration timeout) throws IOException;
}
