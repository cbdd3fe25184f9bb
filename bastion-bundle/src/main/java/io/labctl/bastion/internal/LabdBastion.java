package io.labctl.bastion.internal;

import io.labctl.api.Provisioning;
import io.labctl.bastion.boot.Bastion;
import io.labctl.bastion.boot.BastionSettings;
import java.io.IOException;
import java.nio.file.Path;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The bastion as a feature of labd (labd-bastion): provisioning state straight from labd's service. Serves nothing
 * until etc/io.labctl.bastion.cfg names its interface and address. Inside a lab-agent the Provisioning service never
 * appears, so this component stays inactive there.
 */
@Component(service = {}, configurationPid = "io.labctl.bastion", configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = BastionConfig.class)
public class LabdBastion {
    private final Bastion bastion;

    @Activate
    public LabdBastion(@Reference Provisioning provisioning, BastionConfig config) throws IOException {
        Path data = Path.of(System.getProperty("karaf.data", "data"), "bastion");
        BastionSettings settings = Settings.from(config, data);
        this.bastion = Bastion.start(settings,
                new LocalProvisioningLink(provisioning, config.name(), config.environment()),
                new InstallerRendering(settings.baseUrl(), settings.agentDistribution(), Settings.sshKey(config)));
    }

    @Deactivate
    void stop() {
        bastion.close();
    }
}
