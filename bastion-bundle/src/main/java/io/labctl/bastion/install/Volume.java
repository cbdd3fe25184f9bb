package io.labctl.bastion.install;

import java.util.Objects;
import java.util.Optional;

/**
 * One entry of a {@link DiskLayout}: a GPT partition, an LVM logical volume or a tmpfs mount.
 *
 * @param kind where the volume lives
 * @param name partition label / LV name (LV names avoid '-' so device-mapper names stay /dev/mapper/labvg-NAME)
 * @param mountPoint absolute mount point; empty for swap and for the LVM physical volume
 * @param fs file system
 * @param sizeMiB fixed size in MiB; for a "rest" volume the minimum size in MiB
 * @param rest true if the volume takes the rest of its container (disk or VG)
 * @param preservedOnReprovision true if reprovisioning must keep the contents (no mkfs)
 */
public record Volume(Kind kind, String name, Optional<String> mountPoint, Filesystem fs, long sizeMiB, boolean rest,
        boolean preservedOnReprovision) {

    public enum Kind {
        PARTITION,
        LOGICAL_VOLUME,
        TMPFS
    }

    public Volume {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mountPoint, "mountPoint");
        Objects.requireNonNull(fs, "fs");
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("bad volume name " + name);
        }
        mountPoint.ifPresent(mp -> {
            if (!mp.matches("/([a-z0-9_]+(/[a-z0-9_]+)*)?")) {
                throw new IllegalArgumentException("bad mount point " + mp);
            }
        });
        if (sizeMiB <= 0) {
            throw new IllegalArgumentException("size must be positive: " + name);
        }
    }

    static Volume fixed(Kind kind, String name, String mountPoint, Filesystem fs, long sizeMiB, boolean preserved) {
        return new Volume(kind, name, Optional.ofNullable(mountPoint), fs, sizeMiB, false, preserved);
    }

    static Volume rest(Kind kind, String name, String mountPoint, Filesystem fs, long minMiB, boolean preserved) {
        return new Volume(kind, name, Optional.ofNullable(mountPoint), fs, minMiB, true, preserved);
    }

    /** Mount point, or "swap"/"none" for entries without one (kickstart's naming). */
    public String mountPointOrKeyword() {
        return mountPoint.orElse(fs == Filesystem.SWAP ? "swap" : "none");
    }

    /** Human-readable size for comments: "27648 MiB" or "rest (min 10240 MiB)". */
    public String sizeText() {
        return rest ? "rest (min " + sizeMiB + " MiB)" : sizeMiB + " MiB";
    }
}
