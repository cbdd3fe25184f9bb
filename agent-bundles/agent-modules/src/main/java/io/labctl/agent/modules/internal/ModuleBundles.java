package io.labctl.agent.modules.internal;

import io.labctl.module.ConfigurationModule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/** Where module bundles live on this agent: the OSGi framework in production, a double in the handler's tests. */
interface ModuleBundles {

    /** A module bundle installed and started from a verified jar. */
    record Installed(String module, String version, String sha256) {}

    /** A module's service in use for one run; closing hands it back. */
    interface Lease extends AutoCloseable {
        ConfigurationModule module();

        @Override
        void close();
    }

    /**
     * Installs (or finds, if this content is installed already) and starts the module's bundle. A bundle that cannot
     * resolve is uninstalled again and refused with {@link ModuleRunException#UNRESOLVABLE}, naming the requirement
     * this agent cannot satisfy and the module API it has.
     */
    Installed install(String module, String version, String sha256, Path jar) throws ModuleRunException;

    /** Waits for the ConfigurationModule service the bundle registers under the module's name. */
    Lease await(Installed installed, Duration timeout) throws ModuleRunException, InterruptedException;

    /** Uninstalls every other bundle of the same module (older or newer versions): done once the new one serves. */
    void retireOthers(Installed current);

    /** Uninstalls every bundle of the module (after its removal ran). */
    void uninstallAll(String module);

    /** The digests of the module jars installed now (the module cache keeps these). */
    Set<String> installedDigests();
}
