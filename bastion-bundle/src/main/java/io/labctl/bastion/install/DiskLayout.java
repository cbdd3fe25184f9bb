package io.labctl.bastion.install;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The disk layout of a role. Single source of truth for the kickstart and preseed renderers and for
 * the minimum disk size check. Sizes are MiB (the spec's "GB" is read as GiB, "MB" as MiB).
 *
 * @param role the role
 * @param vgName the LVM volume group
 * @param partitions GPT partitions in on-disk order (1 = EFI, 2 = /boot, 3 = LVM PV taking the rest)
 * @param logicalVolumes logical volumes in creation order
 * @param tmp the /tmp tmpfs mount
 */
public record DiskLayout(Role role, String vgName, List<Volume> partitions, List<Volume> logicalVolumes, Volume tmp) {

    public static final String VG_NAME = "labvg";
    /** Minimum size assumed for a "rest" volume when computing the minimum disk size. */
    public static final long REST_MINIMUM_MIB = 10 * 1024;
    /** Slack for GPT headers, 1 MiB alignment, LVM metadata and extent rounding. */
    public static final long OVERHEAD_MIB = 64;

    private static final Volume.Kind P = Volume.Kind.PARTITION;
    private static final Volume.Kind LV = Volume.Kind.LOGICAL_VOLUME;

    public DiskLayout {
        Objects.requireNonNull(role);
        partitions = List.copyOf(partitions);
        logicalVolumes = List.copyOf(logicalVolumes);
    }

    public static DiskLayout forRole(Role role) {
        Objects.requireNonNull(role, "role");
        List<Volume> parts = List.of(
                Volume.fixed(P, "efi", "/boot/efi", Filesystem.VFAT, 600, false),
                Volume.fixed(P, "boot", "/boot", Filesystem.EXT4, 3 * 1024, false),
                Volume.rest(P, "pv", null, Filesystem.LVM_PV, 1, true));
        List<Volume> lvs = new ArrayList<>(List.of(
                Volume.fixed(LV, "swap", null, Filesystem.SWAP, 27 * 1024, false),
                Volume.fixed(LV, "root", "/", Filesystem.XFS, 33 * 1024, false),
                Volume.fixed(LV, "var", "/var", Filesystem.XFS, 100 * 1024, false),
                Volume.fixed(LV, "varlog", "/var/log", Filesystem.XFS, 10 * 1024, false),
                Volume.fixed(LV, "home", "/home", Filesystem.XFS, 10 * 1024, true),
                Volume.fixed(LV, "srv", "/srv", Filesystem.XFS, 20 * 1024, true)));
        switch (role) {
            case WORKER -> lvs.add(Volume.rest(LV, "longhorn", "/var/lib/longhorn", Filesystem.XFS,
                    REST_MINIMUM_MIB, true));
            case INFRA -> lvs.add(Volume.fixed(LV, "rancher", "/var/lib/rancher", Filesystem.XFS, 20 * 1024, true));
        }
        Volume tmp = Volume.fixed(Volume.Kind.TMPFS, "tmp", "/tmp", Filesystem.TMPFS, 4 * 1024, false);
        return new DiskLayout(role, VG_NAME, parts, lvs, tmp);
    }

    /** The role's data volume (longhorn or rancher): the last logical volume. */
    public Volume dataVolume() {
        return logicalVolumes.get(logicalVolumes.size() - 1);
    }

    public Volume partition(String name) {
        return partitions.stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    }

    /** 1-based GPT partition number of a partition of this layout. */
    public int partitionNumber(Volume partition) {
        int i = partitions.indexOf(partition);
        if (i < 0) {
            throw new IllegalArgumentException("not a partition of this layout: " + partition.name());
        }
        return i + 1;
    }

    /** Minimum disk size: fixed sizes + minimum of each "rest" volume + overhead. */
    public long minimumDiskMiB() {
        long sum = OVERHEAD_MIB;
        for (Volume v : partitions) {
            if (v.fs() != Filesystem.LVM_PV) {
                sum += v.sizeMiB();
            }
        }
        for (Volume v : logicalVolumes) {
            sum += v.sizeMiB();
        }
        return sum;
    }

    public long minimumDiskBytes() {
        return minimumDiskMiB() * 1024L * 1024L;
    }
}
