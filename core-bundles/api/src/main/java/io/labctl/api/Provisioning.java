package io.labctl.api;

import io.labctl.protocol.provision.BootReport;
import io.labctl.protocol.provision.InstallerGrant;
import io.labctl.protocol.provision.MachineInfo;
import io.labctl.protocol.provision.PlanRequest;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * PXE provisioning state, held by labd for every bastion: the machines seen booting, their plans, and the one-time
 * join tokens their installers enrol with. Errors are {@link ApiException}s that say what to do instead.
 */
@ProviderType
public interface Provisioning {

    List<MachineInfo> list();

    Optional<MachineInfo> find(String mac);

    /**
     * Plans an install or a reprovision. One plan per MAC (a second gives 409: forget the first); one MAC per
     * hostname; a reprovision only for an installed machine; a disk, when given, must be one the machine reported.
     */
    MachineInfo plan(String mac, PlanRequest request, String plannedBy);

    /** Drops what labd knows of a MAC (its plan and discovery facts) and revokes the plan's unused join token. */
    MachineInfo forget(String mac);

    /** A bastion saw the MAC boot: records it (discovered, if new) with its facts; returns the current record. */
    MachineInfo booted(BootReport report, String bastion, String environment);

    /**
     * A planned machine's installer asks for its files: the machine becomes installing and gets a fresh one-time
     * join token for its hostname (an earlier unused one is revoked). 409 for a machine without a plan.
     */
    InstallerGrant startInstall(String mac);

    /** The installer reported success: installed, and the next boot goes to the local disk. */
    MachineInfo installed(String mac);
}
