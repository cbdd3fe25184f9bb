package io.labctl.modules.lab.agent.internal;

import io.labctl.module.ConfigurationModule;
import io.labctl.module.DesiredState;
import io.labctl.module.FileResource;
import io.labctl.module.Inputs;
import io.labctl.module.ModuleContext;
import io.labctl.module.ModuleException;
import io.labctl.module.ServiceResource;
import io.labctl.modules.support.InputChecks;
import io.labctl.modules.support.KarafConfig;
import io.labctl.modules.support.PathInputs;
import io.labctl.modules.support.SystemdUnit;
import org.osgi.service.component.annotations.Component;

/**
 * lab-agent on the server: {@code etc/io.labctl.agent.cfg} as {@code AgentConfig} reads it, and the systemd unit
 * that runs {@code bin/lab-agent} in the foreground (the unit the bastion's installer writes, made configurable).
 * The file holds no join token: the agent applying this module has enrolled already, and its identity is what
 * connects it from then on.
 */
@Component(service = ConfigurationModule.class, property = ConfigurationModule.NAME + "=lab-agent")
public final class LabAgentModule implements ConfigurationModule {
    static final String UNIT = "lab-agent.service";

    @Override
    public DesiredState desiredState(ModuleContext context) throws ModuleException {
        Inputs in = context.inputs();
        String home = PathInputs.directory("installDir", in.string("installDir"));
        String serverUrl = InputChecks.httpsUrl("serverUrl", in.string("serverUrl"), "https://labd.example.org:8443");
        FileResource config = new FileResource(home + "/etc/io.labctl.agent.cfg")
                .content(new KarafConfig("lab-agent: where labd is. Written by the lab-agent configuration module:"
                        + "\nedits are reverted; change the module's inputs instead.")
                        .set("serverUrl", serverUrl)
                        // the name it enrolled with: its certificate is for that name
                        .set("name", context.server())
                        .set("heartbeatSeconds", in.integer("heartbeatSeconds"))
                        .set("reconnectMinMillis", in.integer("reconnectMinMillis"))
                        .set("reconnectMaxMillis", in.integer("reconnectMaxMillis"))
                        .render())
                .mode(0644);
        DesiredState state = new DesiredState();
        state.add(config);
        state.add(new ServiceResource(UNIT).unitFile(unitFile(home, in.string("javaHome"), in.string("javaOpts")))
                .enabled(true).running(true).watches(config.id()).requires(config.id()));
        return state;
    }

    static String unitFile(String home, String javaHome, String javaOpts) throws ModuleException {
        if (javaOpts.contains("\n") || javaOpts.contains("\"")) {
            throw new ModuleException("input 'javaOpts' must be one line without double quotes");
        }
        SystemdUnit unit = new SystemdUnit("labctl agent").afterNetwork()
                .service("Type", "simple")
                .service("ExecStart", home + "/bin/lab-agent")
                .javaHome(javaHome);
        if (!javaOpts.isBlank()) {
            unit.service("Environment", "\"LAB_AGENT_JAVA_OPTS=" + javaOpts.strip() + "\"");
        }
        return unit.service("Restart", "always")
                .service("RestartSec", "5")
                // the JVM's exit on SIGTERM is a clean stop
                .service("SuccessExitStatus", "143")
                .render();
    }

    /**
     * Nothing: stopping and disabling lab-agent would cut the one connection through which labd manages this
     * server (and runs this removal). Uninstalling the agent is a machine's decommissioning, not a module's.
     */
    @Override
    public DesiredState removal(ModuleContext context) {
        return new DesiredState();
    }
}
