package io.labctl.bastion.install;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Picks the single install target disk. Never "all disks". */
public final class DiskChoice {
    private static final Logger LOG = LoggerFactory.getLogger(DiskChoice.class);

    private DiskChoice() {
    }

    /**
     * Chooses against the most demanding role's minimum size (use the overload with a role when the
     * role is known).
     */
    public static TargetDisk choose(List<TargetDisk> reported, Optional<String> requested) {
        Role biggest = Arrays.stream(Role.values())
                .max((a, b) -> Long.compare(DiskLayout.forRole(a).minimumDiskMiB(), DiskLayout.forRole(b).minimumDiskMiB()))
                .orElseThrow();
        return choose(reported, requested, biggest);
    }

    /**
     * @param reported disks in the order the machine reported them
     * @param requested an operator's choice (by-id path or its basename); must be among {@code reported}
     * @param role the role whose layout must fit
     * @return the requested disk if given, else the first non-removable disk in report order
     * @throws InstallConfigException if the requested disk is not reported, no non-removable disk
     *         exists or the disk is smaller than the layout needs
     */
    public static TargetDisk choose(List<TargetDisk> reported, Optional<String> requested, Role role) {
        Objects.requireNonNull(reported, "reported");
        Objects.requireNonNull(requested, "requested");
        Objects.requireNonNull(role, "role");
        TargetDisk chosen;
        if (requested.isPresent()) {
            String want = requested.get().strip();
            chosen = reported.stream()
                    .filter(d -> d.byIdPath().equals(want) || d.byIdName().equals(want))
                    .findFirst()
                    .orElseThrow(() -> new InstallConfigException("requested disk '" + Validation.printable(want)
                            + "' is not among the reported disks: " + list(reported)));
        } else {
            chosen = reported.stream().filter(d -> !d.removable()).findFirst()
                    .orElseThrow(() -> new InstallConfigException(
                            "no non-removable disk reported; reported disks: " + list(reported)));
        }
        DiskLayout layout = DiskLayout.forRole(role);
        if (chosen.sizeBytes() < layout.minimumDiskBytes()) {
            throw new InstallConfigException("disk " + chosen.describe() + " is too small for role " + role.id()
                    + ": the layout needs at least " + layout.minimumDiskMiB() + " MiB");
        }
        if (chosen.removable()) {
            LOG.warn("installing to removable disk {} because it was requested explicitly", chosen.byIdPath());
        }
        LOG.info("install target for role {}: {}", role.id(), chosen.describe());
        return chosen;
    }

    private static String list(List<TargetDisk> disks) {
        return disks.isEmpty() ? "(none)" : disks.stream().map(TargetDisk::describe).collect(Collectors.joining(", "));
    }
}
