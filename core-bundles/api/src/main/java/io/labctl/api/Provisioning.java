package io.labctl.api;

import io.labctl.protocol.provision.BootReport;
import io.labctl.protocol.provision.InstallerGrant;
import io.labctl.protocol.provision.MachineInfo;
import io.labctl.protocol.provision.PlanRequest;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * PXE provisioning state, held by labd for every bastion: the machines seen booting, their plans, and the one-time
 * join tokens their installers enrol with. Errors are {@link ApiException}s that say what to do instead.
 */
@ProviderType
public interface Provisioning {

    /**
     * The machines the caller may read. A machine's scope is {@code baremetal:<environment>:<hostname>}; one without a
     * hostname yet is its whole environment ({@code baremetal:<environment>:*}).
     */
    List<MachineInfo> list(Identity caller);

    /** One machine, if the caller may read it: 404 for a MAC labd does not know, 403 naming what is missing. */
    MachineInfo describe(Identity caller, String mac);

    /**
     * Plans an install or a reprovision; a plan wipes a disk, so the caller needs destroy on the plan's scope and on
     * the machine's current one (a planned name it would lose). One plan per MAC (a second gives 409: forget the
     * first); one MAC per hostname; a reprovision only for an installed machine; a disk, when given, must be one the
     * machine reported.
     */
    MachineInfo plan(Identity caller, String mac, PlanRequest request);

    /**
     * Drops what labd knows of a MAC (its plan and discovery facts) and revokes the plan's unused join token; the
     * caller needs manage on the machine's scope.
     */
    MachineInfo forget(Identity caller, String mac);

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
