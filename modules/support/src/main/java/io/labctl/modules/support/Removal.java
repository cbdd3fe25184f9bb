package io.labctl.modules.support;

import io.labctl.module.DesiredState;
import io.labctl.module.FileResource;
import io.labctl.module.ServiceResource;

/**
 * What {@code labctl modules remove} undoes for a module that runs one systemd service: the service is stopped and
 * disabled, its unit file and the module's configuration files are removed. Data (state directories, databases,
 * identities, downloaded binaries' data) is never part of it.
 */
public final class Removal {
    private Removal() {
    }

    public static DesiredState of(String unit, String... configFiles) {
        DesiredState state = new DesiredState();
        ServiceResource service = new ServiceResource(unit).enabled(false).running(false);
        state.add(service);
        state.add(new FileResource(SystemdUnit.UNIT_DIRECTORY + unit).absent().requires(service.id()));
        for (String file : configFiles) {
            state.add(new FileResource(file).absent().requires(service.id()));
        }
        return state;
    }
}
