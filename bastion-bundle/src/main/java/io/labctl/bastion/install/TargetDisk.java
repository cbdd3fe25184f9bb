package io.labctl.bastion.install;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A disk as reported by the machine's inventory (discovery boot).
 *
 * @param byIdPath stable path, e.g. /dev/disk/by-id/ata-QEMU_HARDDISK_QM00001 (installs name disks only by this)
 * @param kernelName kernel name, e.g. sda or nvme0n1 (informational only)
 * @param sizeBytes size in bytes
 * @param removable true for USB sticks, card readers and the like
 * @param rotational true for spinning disks
 */
public record TargetDisk(String byIdPath, String kernelName, long sizeBytes, boolean removable, boolean rotational) {

    public static final String BY_ID_PREFIX = "/dev/disk/by-id/";
    private static final Pattern BY_ID_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:+-]{0,200}");
    private static final Pattern KERNEL_NAME = Pattern.compile("[a-z][a-z0-9]{0,31}");

    public TargetDisk {
        Objects.requireNonNull(byIdPath, "byIdPath");
        Objects.requireNonNull(kernelName, "kernelName");
        if (!byIdPath.startsWith(BY_ID_PREFIX)
                || !BY_ID_NAME.matcher(byIdPath.substring(BY_ID_PREFIX.length())).matches()) {
            throw new InstallConfigException("disk path '" + Validation.printable(byIdPath)
                    + "' must be " + BY_ID_PREFIX + "<name> with name of [A-Za-z0-9._:+-]");
        }
        if (byIdPath.matches(".*-part[0-9]+")) {
            throw new InstallConfigException("disk path '" + byIdPath + "' names a partition, not a whole disk");
        }
        if (!KERNEL_NAME.matcher(kernelName).matches()) {
            throw new InstallConfigException("invalid kernel disk name '" + Validation.printable(kernelName) + "'");
        }
        if (sizeBytes <= 0) {
            throw new InstallConfigException("disk " + byIdPath + " has non-positive size " + sizeBytes);
        }
    }

    /** The by-id name without the directory, e.g. ata-QEMU_HARDDISK_QM00001. */
    public String byIdName() {
        return byIdPath.substring(BY_ID_PREFIX.length());
    }

    /** by-id path of partition n (udev's "-partN" links). */
    public String partitionPath(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("partition number " + n);
        }
        return byIdPath + "-part" + n;
    }

    /** "ata-X (sda, 500.0 GiB, removable)" for messages. */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "%s (%s, %.1f GiB%s%s)", byIdPath, kernelName,
                sizeBytes / (1024.0 * 1024 * 1024), removable ? ", removable" : "", rotational ? ", rotational" : "");
    }
}
