package ${package}.internal;

import io.labctl.module.ConfigurationModule;
import io.labctl.module.DesiredState;
import io.labctl.module.DirectoryResource;
import io.labctl.module.FileResource;
import io.labctl.module.Health;
import io.labctl.module.ModuleContext;
import io.labctl.module.ModuleException;
import java.nio.file.Files;
import org.osgi.service.component.annotations.Component;

/**
 * The desired state of "${moduleName}" on a server: lab-agent's engine compares it with the machine, applies the
 * difference in dependency order and reports each resource (unchanged, changed with a diff, failed with the reason).
 * Declare; never change the machine here. More resource types: packages, services (restarted when a file they watch
 * changed), users, groups, sysctls, guarded commands, artifacts from labd's repository.
 */
@Component(service = ConfigurationModule.class, property = ConfigurationModule.NAME + "=${moduleName}")
public class Module implements ConfigurationModule {
    static final String DIRECTORY = "/etc/${moduleName}";
    static final String CONFIG = DIRECTORY + "/${moduleName}.conf";

    @Override
    public DesiredState desiredState(ModuleContext context) throws ModuleException {
        if (context.inputs().integer("port") < 1 || context.inputs().integer("port") > 65535) {
            throw new ModuleException("port " + context.inputs().integer("port") + " is not a TCP port: give 1-65535");
        }
        return new DesiredState()
                .add(new DirectoryResource(DIRECTORY).mode(0755))
                .add(new FileResource(CONFIG)
                        .template("# managed by labctl: edits are drift and are repaired\n"
                                + "greeting = {{greeting}}\nport = {{port}}\nserver = {{server}}\n")
                        .mode(0644)
                        .requires("directory:" + DIRECTORY));
    }

    /** What {@code labctl modules remove} leaves: nothing of this module. */
    @Override
    public DesiredState removal(ModuleContext context) {
        return new DesiredState()
                .add(new FileResource(CONFIG).absent())
                .add(new DirectoryResource(DIRECTORY).absent().requires("file:" + CONFIG));
    }

    /** Checked after every apply: what an operator sees in labctl modules status. */
    @Override
    public Health health(ModuleContext context) {
        return Files.isRegularFile(context.root().resolve(CONFIG.substring(1)))
                ? Health.healthy() : Health.unhealthy(CONFIG + " is missing");
    }
}
