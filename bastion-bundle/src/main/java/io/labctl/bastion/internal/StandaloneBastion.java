package io.labctl.bastion.internal;

import io.labctl.agent.api.LabdRequests;
import io.labctl.bastion.boot.Bastion;
import java.io.IOException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The standalone bastion: a lab-agent with the lab-agent-bastion feature. It enrols like any agent (with a token of
 * role bastion) and asks labd for plans over the agent's mutual TLS. While labd is unreachable or the agent has not
 * enrolled, booting machines get a console message that plans need labd, and ask again. Its configuration is the
 * same as labd's bastion (described by LabdBastion's metatype).
 */
@Component(service = {}, configurationPid = "io.labctl.bastion", configurationPolicy = ConfigurationPolicy.REQUIRE)
public class StandaloneBastion {
    private final Bastion bastion;

    @Activate
    public StandaloneBastion(@Reference LabdRequests labd, BastionConfig config) throws IOException {
        this.bastion = Settings.start(config, new RemoteProvisioningLink(labd));
    }

    @Deactivate
    void stop() {
        bastion.close();
    }
}
