package io.labctl.system.command;

import io.labctl.protocol.SystemChange;
import io.labctl.system.internal.LabdChanges;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** lab:features-install: POST /api/v1/system/install from labd's shell (admin everywhere). */
@Service
@Command(scope = "lab", name = "features-install", description = "Install a labd capability, live: a labd-* feature Karaf knows or a bundle in labd's repository (as labctl system install).")
public class FeaturesInstallCommand extends FeatureChangeCommand {
    @Reference(optional = true)
    LabdChanges changes;

    @Argument(index = 0, name = "feature", required = true, description = "labd-exec, or its short name exec.")
    String feature;

    @Argument(index = 1, name = "version", required = false, description = "The version (default: the newest).")
    String version;

    public FeaturesInstallCommand() {
        super("shell.system.install");
    }

    @Override
    LabdChanges changes() {
        return changes;
    }

    @Override
    SystemChange.Result change(LabdChanges labd, SystemChange.Request request) {
        return labd.install(caller(), request);
    }

    @Override
    String feature() {
        return feature;
    }

    @Override
    String version() {
        return version;
    }
}
