package io.labctl.bastion.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class LayoutAndDiskChoiceTest {
    private static final long GIB = Fixtures.GIB;

    private static TargetDisk d(String name, String kernel, long gib, boolean removable) {
        return new TargetDisk("/dev/disk/by-id/" + name, kernel, gib * GIB, removable, false);
    }

    @Test
    void workerLayout() {
        DiskLayout l = DiskLayout.forRole(Role.WORKER);
        assertEquals("labvg", l.vgName());
        assertEquals(List.of("efi:/boot/efi:vfat:600:false", "boot:/boot:ext4:3072:false", "pv:none:lvmpv:1:true"),
                l.partitions().stream().map(LayoutAndDiskChoiceTest::fmt).collect(Collectors.toList()));
        assertEquals(List.of("swap:swap:swap:27648:false", "root:/:xfs:33792:false", "var:/var:xfs:102400:false",
                "varlog:/var/log:xfs:10240:false", "home:/home:xfs:10240:true", "srv:/srv:xfs:20480:true",
                "longhorn:/var/lib/longhorn:xfs:10240:true"),
                l.logicalVolumes().stream().map(LayoutAndDiskChoiceTest::fmt).collect(Collectors.toList()));
        assertTrue(l.dataVolume().rest());
        assertEquals("/tmp", l.tmp().mountPoint().orElseThrow());
        assertEquals(4096, l.tmp().sizeMiB());
        assertEquals(600 + 3072 + 27648 + 33792 + 102400 + 10240 + 10240 + 20480 + 10240 + 64, l.minimumDiskMiB());
    }

    @Test
    void infraLayout() {
        DiskLayout l = DiskLayout.forRole(Role.INFRA);
        assertEquals("rancher:/var/lib/rancher:xfs:20480:true", fmt(l.dataVolume()));
        assertFalse(l.dataVolume().rest());
        assertEquals(l.logicalVolumes().size(), 7);
        assertEquals(600 + 3072 + 27648 + 33792 + 102400 + 10240 + 10240 + 20480 + 20480 + 64, l.minimumDiskMiB());
    }

    private static String fmt(Volume v) {
        return v.name() + ":" + v.mountPointOrKeyword() + ":" + v.fs().id() + ":" + v.sizeMiB() + ":"
                + v.preservedOnReprovision();
    }

    @Test
    void firstNonRemovableDiskByReportOrder() {
        List<TargetDisk> disks = List.of(d("usb-SanDisk_Cruzer_1234-0:0", "sda", 500, true),
                d("ata-QEMU_HARDDISK_QM00001", "sdb", 500, false), d("ata-QEMU_HARDDISK_QM00002", "sdc", 900, false));
        assertEquals("ata-QEMU_HARDDISK_QM00001", DiskChoice.choose(disks, Optional.empty()).byIdName());
        assertEquals("ata-QEMU_HARDDISK_QM00001", DiskChoice.choose(disks, Optional.empty(), Role.WORKER).byIdName());
    }

    @Test
    void requestedDiskByPathOrBasename() {
        List<TargetDisk> disks = List.of(d("ata-A", "sda", 500, false), d("nvme-eui.0025388b91b2c3d4", "nvme0n1", 900, false));
        assertEquals("nvme0n1", DiskChoice.choose(disks, Optional.of("nvme-eui.0025388b91b2c3d4")).kernelName());
        assertEquals("nvme0n1",
                DiskChoice.choose(disks, Optional.of("/dev/disk/by-id/nvme-eui.0025388b91b2c3d4")).kernelName());
    }

    @Test
    void requestedDiskNotReported() {
        List<TargetDisk> disks = List.of(d("ata-A", "sda", 500, false), d("ata-B", "sdb", 500, false));
        var e = assertThrows(InstallConfigException.class, () -> DiskChoice.choose(disks, Optional.of("ata-C")));
        assertTrue(e.getMessage().contains("'ata-C' is not among the reported disks"), e.getMessage());
        assertTrue(e.getMessage().contains("/dev/disk/by-id/ata-A (sda, 500.0 GiB)"), e.getMessage());
        assertTrue(e.getMessage().contains("/dev/disk/by-id/ata-B"), e.getMessage());
        // kernel names are not accepted: they are not stable
        assertThrows(InstallConfigException.class, () -> DiskChoice.choose(disks, Optional.of("sda")));
    }

    @Test
    void noNonRemovableDisk() {
        var e = assertThrows(InstallConfigException.class,
                () -> DiskChoice.choose(List.of(d("usb-X", "sda", 500, true)), Optional.empty()));
        assertTrue(e.getMessage().contains("no non-removable disk"), e.getMessage());
        var e2 = assertThrows(InstallConfigException.class, () -> DiskChoice.choose(List.of(), Optional.empty()));
        assertTrue(e2.getMessage().contains("(none)"), e2.getMessage());
    }

    @Test
    void tooSmallDisk() {
        List<TargetDisk> disks = List.of(d("ata-SMALL", "sda", 200, false));
        var e = assertThrows(InstallConfigException.class, () -> DiskChoice.choose(disks, Optional.empty(), Role.WORKER));
        assertTrue(e.getMessage().contains("too small for role worker"), e.getMessage());
        assertTrue(e.getMessage().contains(DiskLayout.forRole(Role.WORKER).minimumDiskMiB() + " MiB"), e.getMessage());
        // 220 GiB fits a worker but not an infra node
        List<TargetDisk> mid = List.of(d("ata-MID", "sda", 220, false));
        assertEquals("ata-MID", DiskChoice.choose(mid, Optional.empty(), Role.WORKER).byIdName());
        assertThrows(InstallConfigException.class, () -> DiskChoice.choose(mid, Optional.empty(), Role.INFRA));
        assertThrows(InstallConfigException.class, () -> DiskChoice.choose(mid, Optional.empty()));
        // the context re-checks
        assertThrows(InstallConfigException.class,
                () -> Fixtures.builder(Role.INFRA, InstallMode.INSTALL).disk(mid.get(0)).build());
    }

    @Test
    void badDiskPaths() {
        assertThrows(InstallConfigException.class, () -> new TargetDisk("/dev/sda", "sda", GIB, false, false));
        assertThrows(InstallConfigException.class,
                () -> new TargetDisk("/dev/disk/by-id/ata-A-part1", "sda1", GIB, false, false));
        assertThrows(InstallConfigException.class,
                () -> new TargetDisk("/dev/disk/by-id/ata-A'$(reboot)", "sda", GIB, false, false));
        assertThrows(InstallConfigException.class,
                () -> new TargetDisk("/dev/disk/by-id/../../sda", "sda", GIB, false, false));
        assertThrows(InstallConfigException.class, () -> new TargetDisk("/dev/disk/by-id/ata-A", "sd a", GIB, false, false));
        assertThrows(InstallConfigException.class, () -> new TargetDisk("/dev/disk/by-id/ata-A", "sda", 0, false, false));
    }
}
