package io.labctl.agent.modules.internal;

import io.labctl.module.ConfigurationModule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The OSGi framework as the runner sees it, in memory: records what was installed, retired and uninstalled. */
final class FakeBundles implements ModuleBundles {
    final List<String> calls = new ArrayList<>();
    final Set<String> installed = new HashSet<>();
    ConfigurationModule module;
    ModuleRunException refuseInstall;
    int leasesOpen;

    FakeBundles(ConfigurationModule module) {
        this.module = module;
    }

    @Override
    public Installed install(String name, String version, String sha256, Path jar) throws ModuleRunException {
        calls.add("install " + name + " " + version + " from " + jar.getFileName());
        if (refuseInstall != null) {
            throw refuseInstall;
        }
        installed.add(sha256);
        return new Installed(name, version, sha256);
    }

    @Override
    public Lease await(Installed bundle, Duration timeout) throws ModuleRunException {
        if (module == null) {
            throw new ModuleRunException(ModuleRunException.MISSING, "no ConfigurationModule " + bundle.module());
        }
        leasesOpen++;
        return new Lease() {
            @Override
            public ConfigurationModule module() {
                return module;
            }

            @Override
            public void close() {
                leasesOpen--;
            }
        };
    }

    @Override
    public void retireOthers(Installed current) {
        calls.add("retire others than " + current.module() + " " + current.version());
    }

    @Override
    public void uninstallAll(String name) {
        calls.add("uninstall " + name);
        installed.clear();
    }

    @Override
    public Set<String> installedDigests() {
        return Set.copyOf(installed);
    }
}
