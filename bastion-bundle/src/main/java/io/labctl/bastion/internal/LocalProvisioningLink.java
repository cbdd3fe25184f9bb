package io.labctl.bastion.internal;

import io.labctl.api.ApiException;
import io.labctl.api.provision.BastionEvents;
import io.labctl.api.Provisioning;
import io.labctl.protocol.provision.BastionEvent;
import io.labctl.bastion.boot.ProvisioningLink;
import io.labctl.protocol.provision.BootReport;
import io.labctl.protocol.provision.InstallerGrant;
import io.labctl.protocol.provision.MachineInfo;
import java.util.Map;
import java.util.function.Supplier;

/** The bastion inside labd: provisioning state straight from labd's own service. */
final class LocalProvisioningLink implements ProvisioningLink {
    private final Provisioning provisioning;
    private final BastionEvents events;
    private final String bastionName;
    private final String environment;

    LocalProvisioningLink(Provisioning provisioning, BastionEvents events, String bastionName, String environment) {
        this.provisioning = provisioning;
        this.events = events;
        this.bastionName = bastionName;
        this.environment = environment;
    }

    @Override
    public MachineInfo booted(String mac, Map<String, String> facts) {
        return call(() -> provisioning.booted(new BootReport(mac, facts), bastionName, environment));
    }

    @Override
    public InstallerGrant installer(String mac) {
        return call(() -> provisioning.startInstall(mac));
    }

    @Override
    public MachineInfo installed(String mac) {
        return call(() -> provisioning.installed(mac));
    }

    @Override
    public void events(BastionEvent.Batch batch) {
        call(() -> {
            events.record(bastionName, environment, batch);
            return null;
        });
    }

    private static <T> T call(Supplier<T> work) {
        try {
            return work.get();
        } catch (ApiException e) {
            throw new LinkException(e.getMessage(), e.status() >= 500, e);
        } catch (RuntimeException e) {
            // the database being away, say: the machine waits and asks again
            throw new LinkException("labd could not answer: " + e.getMessage(), true, e);
        }
    }
}
