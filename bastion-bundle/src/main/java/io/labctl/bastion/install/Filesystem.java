package io.labctl.bastion.install;

/** File system / content type of one layout entry. */
public enum Filesystem {
    VFAT("vfat"),
    EXT4("ext4"),
    XFS("xfs"),
    SWAP("swap"),
    TMPFS("tmpfs"),
    /** An LVM physical volume (the partition that carries the volume group). */
    LVM_PV("lvmpv");

    private final String id;

    Filesystem(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
