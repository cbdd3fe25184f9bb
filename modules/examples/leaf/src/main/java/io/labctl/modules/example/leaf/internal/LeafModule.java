package io.labctl.modules.example.leaf.internal;

import io.labctl.module.ConfigurationModule;
import io.labctl.module.DesiredState;
import io.labctl.module.FileResource;
import io.labctl.module.ModuleContext;
import org.osgi.service.component.annotations.Component;

/** One file in the folder example-tree manages; module.yaml requires example-tree, so labd runs that first. */
@Component(service = ConfigurationModule.class, property = ConfigurationModule.NAME + "=example-leaf")
public class LeafModule implements ConfigurationModule {

    @Override
    public DesiredState desiredState(ModuleContext context) {
        return new DesiredState().add(new FileResource(file(context))
                .content(context.inputs().string("message") + " on " + context.server() + "\n").mode(0644));
    }

    /** Its file goes; example-tree's folder stays (it is example-tree's). */
    @Override
    public DesiredState removal(ModuleContext context) {
        return new DesiredState().add(new FileResource(file(context)).absent());
    }

    private static String file(ModuleContext context) {
        return context.inputs().string("base") + "/leaf.conf";
    }
}
