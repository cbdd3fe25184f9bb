package io.labctl.itests.modules;

import io.labctl.module.ConfigurationModule;
import io.labctl.module.DesiredState;
import io.labctl.module.FileResource;
import io.labctl.module.ModuleContext;

/**
 * A module for {@code ModulesIT}, packed into a module jar by the test: a message file and a secret file per server,
 * under the folder its {@code dir} input names (the test's agents run on this machine).
 */
public class MotdModule implements ConfigurationModule {
    @Override
    public DesiredState desiredState(ModuleContext context) {
        String dir = context.inputs().string("dir");
        return new DesiredState()
                .add(new FileResource(dir + "/" + context.server() + ".motd").content(context.inputs().string("text")).mode(0644))
                .add(new FileResource(dir + "/" + context.server() + ".token").content(context.inputs().secret("token")).mode(0600));
    }

    @Override
    public DesiredState removal(ModuleContext context) {
        String dir = context.inputs().string("dir");
        return new DesiredState()
                .add(new FileResource(dir + "/" + context.server() + ".motd").absent())
                .add(new FileResource(dir + "/" + context.server() + ".token").absent());
    }
}
