package io.labctl.modules.support;

import io.labctl.module.DesiredState;
import io.labctl.module.FileResource;
import io.labctl.module.ServiceResource;

/**
 * What {@code labctl modules remove} undoes for a module that runs one systemd service: the service is stopped and
 * disabled and its unit file removed (an absent ServiceResource), then the module's configuration files are removed.
 * Stopped first: a running labd whose database settings vanished would reconfigure itself onto its embedded
 * database. Data (state directories, databases, identities) is never part of it.
 */
public final class Removal {
    private Removal() {
    }

    /** @param unitFile the unit's text as the module writes it (the engine removes a unit file it manages) */
    public static DesiredState of(String unit, String unitFile, String... configFiles) {
        DesiredState state = new DesiredState();
        ServiceResource service = new ServiceResource(unit).unitFile(unitFile).absent();
        state.add(service);
        for (String file : configFiles) {
            state.add(new FileResource(file).absent().requires(service.id()));
        }
        return state;
    }
}
