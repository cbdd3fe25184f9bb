package io.labctl.module;

@org.osgi.annotation.versioning.ConsumerType
public interface ConfigurationModule {
    String NAME = "labctl.module.name";

    DesiredState desiredState(ModuleContext context) throws ModuleException;

    default DesiredState removal(ModuleContext context) throws ModuleException {
        return new DesiredState();
    }

    default Health health(ModuleContext context) {
        return new Health(true, null);
    }
}
