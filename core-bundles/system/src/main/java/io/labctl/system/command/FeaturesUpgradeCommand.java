package io.labctl.system.command;

import io.labctl.protocol.SystemChange;
import io.labctl.system.internal.LabdChanges;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** lab:features-upgrade: POST /api/v1/system/upgrade from labd's shell (admin everywhere). */
@Service
@Command(scope = "lab", name = "features-upgrade", description = "Replace one of labd's capabilities by another version, live: from the distribution or labd's repository (digest and manifest checked), health-checked, rolled back when unhealthy (as labctl system upgrade).")
public class FeaturesUpgradeCommand extends FeatureChangeCommand {
    @Reference(optional = true)
    LabdChanges changes;

    @Argument(index = 0, name = "feature", required = true, description = "labd-exec, or its short name exec.")
    String feature;

    @Argument(index = 1, name = "version", required = true, description = "The version to run, e.g. 0.2.0.")
    String version;

    public FeaturesUpgradeCommand() {
        super("shell.system.upgrade");
    }

    @Override
    LabdChanges changes() {
        return changes;
    }

    @Override
    SystemChange.Result change(LabdChanges labd, SystemChange.Request request) {
        return labd.upgrade(caller(), request);
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
