package io.labctl.system.command;

import io.labctl.protocol.SystemChange;
import io.labctl.system.internal.LabdChanges;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** lab:features-uninstall: POST /api/v1/system/uninstall from labd's shell (admin everywhere). */
@Service
@Command(scope = "lab", name = "features-uninstall", description = "Uninstall a labd capability, live; refused while another feature needs it (as labctl system uninstall).")
public class FeaturesUninstallCommand extends FeatureChangeCommand {
    @Reference(optional = true)
    LabdChanges changes;

    @Argument(index = 0, name = "feature", required = true, description = "labd-exec, or its short name exec.")
    String feature;



    public FeaturesUninstallCommand() {
        super("shell.system.uninstall");
    }

    @Override
    LabdChanges changes() {
        return changes;
    }

    @Override
    SystemChange.Result change(LabdChanges labd, SystemChange.Request request) {
        return labd.uninstall(caller(), request);
    }

    @Override
    String feature() {
        return feature;
    }

    @Override
    String version() {
        return null;
    }
}
