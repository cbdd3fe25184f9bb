package io.labctl.module;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A module's logic, registered as a DS service with the property {@link #NAME} set to the module's name (the
 * {@code name} of its {@code module.yaml}). It only describes state: the engine compares it with the machine and makes
 * the changes, so this code never touches the machine itself (except through {@link ModuleContext#run} in a health
 * check).
 */
@ConsumerType
public interface ConfigurationModule {
    /** Service property naming the module. */
    String NAME = "labctl.module.name";

    /** What the server must look like with this module applied, for the given inputs and facts. */
    DesiredState desiredState(ModuleContext context) throws ModuleException;

    /**
     * What {@code labctl modules remove} makes of the server: usually the module's resources marked {@link
     * Resource#absent()}. The default removes nothing.
     */
    default DesiredState removal(ModuleContext context) throws ModuleException {
        return new DesiredState();
    }

    /** Checked after every apply; the default is healthy. */
    default Health health(ModuleContext context) {
        return Health.healthy();
    }
}
