package io.labctl.module.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

import io.labctl.module.CommandResult;
import io.labctl.module.engine.internal.LocalHost;
import io.labctl.module.engine.internal.ScratchHost;

/**
 * The machine the engine works on. Files are read and written under {@link #root()}; everything else (packages,
 * services, users, sysctl, commands) goes through {@link #run}, so a host that runs commands elsewhere (in a
 * container, over nsenter) gets the same engine. Owners and groups are resolved by name in {@code <root>/etc/passwd}
 * and {@code <root>/etc/group}, never through the JVM's own lookup, and set numerically.
 */
@ConsumerType
public interface Host {
    /** The directory the resources' absolute paths are resolved under ({@code /} on a server). */
    Path root();

    /**
     * Runs a command on the machine and waits for it.
     *
     * @throws IOException when it cannot run here or did not end within the timeout
     */
    CommandResult run(List<String> argv, Duration timeout) throws IOException;

    /** An artifact's raw bytes from labd's repository (the engine checks the digest). */
    InputStream artifact(String name, String version) throws IOException;

    /**
     * Files under {@code root} only: {@link #run} refuses with "needs a real machine", so package, service, user,
     * group, sysctl and guarded-command resources fail cleanly, with that reason, where they would need one.
     */
    static Host scratch(Path root, ArtifactSource artifacts) {
        return new ScratchHost(root, artifacts);
    }

    /** This machine: files under {@code root}, commands through a process here. */
    static Host local(Path root, ArtifactSource artifacts) {
        return new LocalHost(root, artifacts);
    }
}
