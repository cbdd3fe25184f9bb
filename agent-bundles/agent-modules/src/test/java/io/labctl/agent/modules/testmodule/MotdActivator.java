package io.labctl.agent.modules.testmodule;

import io.labctl.module.ConfigurationModule;
import io.labctl.module.DesiredState;
import io.labctl.module.FileResource;
import io.labctl.module.ModuleContext;
import java.util.Hashtable;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * The whole of a test module bundle (packed into a jar by the test): registers a ConfigurationModule named "motd"
 * whose desired state names the bundle's version, so a test can tell which version served it.
 */
public class MotdActivator implements BundleActivator, ConfigurationModule {
    private String version;

    @Override
    public void start(BundleContext context) {
        version = context.getBundle().getVersion().toString();
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(ConfigurationModule.NAME, "motd");
        context.registerService(ConfigurationModule.class, this, properties);
    }

    @Override
    public void stop(BundleContext context) {
        // the framework unregisters the service
    }

    @Override
    public DesiredState desiredState(ModuleContext context) {
        return new DesiredState().add(new FileResource("/etc/motd-" + version).content(version));
    }
}
