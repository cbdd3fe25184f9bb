package io.labctl.bastion.internal;

import io.labctl.api.provision.BastionEvents;
import io.labctl.api.Provisioning;
import io.labctl.api.environments.Environments;
import io.labctl.bastion.boot.Bastion;
import java.io.IOException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The bastion as a feature of labd (labd-bastion): provisioning state straight from labd's service. Serves nothing
 * until etc/io.labctl.bastion.cfg names its interface and address. Inside a lab-agent the Provisioning service never
 * appears, so this component stays inactive there. Its environment is registered under cloud baremetal when labd
 * keeps environments (a name already under another cloud stops the bastion, with that said in the log).
 */
@Component(service = {}, configurationPid = "io.labctl.bastion", configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = BastionConfig.class)
public class LabdBastion {
    private final Bastion bastion;

    @Activate
    public LabdBastion(@Reference Provisioning provisioning, @Reference BastionEvents events, BastionConfig config,
            // greedy: restarted once environments appear, so its environment is registered whichever starts first
            @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
            Environments environments) throws IOException {
        if (environments != null) {
            environments.ensure(config.environment(), Environments.BAREMETAL, "bastion " + config.name());
        }
        this.bastion = Settings.start(config,
                new LocalProvisioningLink(provisioning, events, config.name(), config.environment()));
    }

    @Deactivate
    void stop() {
        bastion.close();
    }
}
