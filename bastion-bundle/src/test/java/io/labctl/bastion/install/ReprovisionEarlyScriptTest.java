package io.labctl.bastion.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the rendered preseed REPROVISION early script and its partman hook with /bin/sh against a fake
 * installer file system: block device nodes (mknod, needs root; skipped otherwise), by-id and mapper
 * symlinks, and stubs for lvm, blkid, debconf-set-selections, logger and partman's base.sh. Paths
 * /dev/disk/by-id, /dev/mapper, /lib/partman and /tmp/labctl* are rewritten into the scratch tree.
 * This checks the script's own logic (checks, fail-closed behaviour, marker files) but not
 * debian-installer or partman themselves.
 */
class ReprovisionEarlyScriptTest {
    private static final String BY_ID = "ata-QEMU_HARDDISK_QM00001";
    private static final List<String> LVS = List.of("swap", "root", "var", "varlog", "home", "srv", "longhorn");

    @TempDir
    Path tmp;
    Path fs;
    Path state;
    Path bin;
    Path script;

    record Run(int exit, String out) {
    }

    @BeforeEach
    void setUp() throws Exception {
        fs = tmp.resolve("fs");
        state = Files.createDirectories(tmp.resolve("state"));
        bin = Files.createDirectories(tmp.resolve("bin"));
        Files.createDirectories(fs.resolve("dev/disk/by-id"));
        Files.createDirectories(fs.resolve("dev/mapper"));
        Files.createDirectories(fs.resolve("lib/partman/init.d"));
        Files.createDirectories(fs.resolve("lib/partman/lib"));
        Files.createDirectories(fs.resolve("run"));
        Files.writeString(fs.resolve("lib/partman/init.d/70initial_auto"), "#!/bin/sh\n");
        assumeTrue(mknod(fs.resolve("dev/sdz"), 0), "mknod not permitted (not root): skipped");
        Files.createSymbolicLink(fs.resolve("dev/disk/by-id/" + BY_ID), Path.of("../../sdz"));
        for (int n = 1; n <= 3; n++) {
            mknod(fs.resolve("dev/sdz" + n), n);
            Files.createSymbolicLink(fs.resolve("dev/disk/by-id/" + BY_ID + "-part" + n), Path.of("../../sdz" + n));
        }
        for (int i = 0; i < LVS.size(); i++) {
            mknod(fs.resolve("dev/dm-" + i), 10 + i);
            Files.createSymbolicLink(fs.resolve("dev/mapper/labvg-" + LVS.get(i)), Path.of("../dm-" + i));
        }
        stub("lvm", """
                case "$1" in
                  vgscan) exit 0 ;;
                  vgs) [ -f "$STATE/vg_exists" ] || { echo "  Volume group not found" >&2; exit 5; }; echo "  labvg" ;;
                  pvs) cat "$STATE/pvs" 2>/dev/null ;;
                  vgchange) echo "$*" >> "$STATE/vgchange.log" ;;
                  *) exit 3 ;;
                esac
                """);
        stub("blkid", "t=\"$STATE/fstype/$(basename \"$(readlink -f \"$5\")\")\"; [ -f \"$t\" ] || exit 2; cat \"$t\"\n");
        stub("debconf-set-selections", "cat \"$1\" >> \"$STATE/debconf.log\"\n");
        stub("logger", "echo \"$*\" >> \"$STATE/syslog\"\n");
        stub("anna-install", "echo \"$*\" >> \"$STATE/anna.log\"\n");
        Files.writeString(fs.resolve("lib/partman/lib/base.sh"), "DEVICES='" + fs.resolve("var/lib/partman/devices") + "'\n"
                + "open_dialog() { exec 6< \"$PWD/partitions\"; }\n"
                + "read_line() { read -r \"$@\" <&6 || true; }\n"
                + "close_dialog() { exec 6<&-; }\n");

        String rendered = PreseedRenderer.renderReprovisionEarlyScript(Fixtures.ctx(Role.WORKER, InstallMode.REPROVISION));
        String s = rendered.replace("/dev/disk/by-id/", fs + "/dev/disk/by-id/")
                .replace("/dev/mapper/", fs + "/dev/mapper/")
                .replace("/lib/partman/", fs + "/lib/partman/")
                .replace("/tmp/labctl", fs + "/run/labctl");
        script = tmp.resolve("early.sh");
        Files.writeString(script, s);
        // healthy machine by default
        Files.writeString(state.resolve("vg_exists"), "");
        Files.writeString(state.resolve("pvs"), "  " + fs + "/dev/disk/by-id/" + BY_ID + "-part3 labvg\n  /dev/sdq1 othervg\n");
        Files.createDirectories(state.resolve("fstype"));
        for (int i = 0; i < LVS.size(); i++) {
            Files.writeString(state.resolve("fstype/dm-" + i), LVS.get(i).equals("swap") ? "swap\n" : "xfs\n");
        }
    }

    private static boolean mknod(Path p, int minor) throws Exception {
        Process pr = new ProcessBuilder("mknod", p.toString(), "b", "7", Integer.toString(200 + minor))
                .redirectErrorStream(true).start();
        pr.getInputStream().readAllBytes();
        return pr.waitFor() == 0;
    }

    private void stub(String name, String body) throws IOException {
        Path p = bin.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Run sh(Path file, Path cwd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", file.toString()).redirectErrorStream(true).directory(cwd.toFile());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("STATE", state.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out);
    }

    private String debconf() throws IOException {
        Path p = state.resolve("debconf.log");
        return Files.exists(p) ? Files.readString(p) : "";
    }

    private Path hook() {
        return fs.resolve("lib/partman/init.d/95labctl_reprovision");
    }

    private void assertFailedClosed(Run r, String message) throws IOException {
        assertNotEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("labctl reprovision: FATAL: " + message), r.out());
        assertFalse(debconf().contains("boolean true"), debconf());
        assertTrue(debconf().contains("d-i partman/confirm boolean false"), debconf());
        assertFalse(Files.exists(hook()), "hook installed despite failure");
        assertTrue(Files.exists(fs.resolve("lib/partman/init.d/70initial_auto")), "partman-auto touched despite failure");
        assertTrue(Files.exists(fs.resolve("run/labctl-reprovision.FAILED")));
        assertTrue(Files.readString(state.resolve("syslog")).contains("FATAL"));
    }

    @Test
    void healthyVolumeGroupIsActivatedAndPartmanPrepared() throws Exception {
        Run r = sh(script, tmp);
        assertEquals(0, r.exit(), r.out());
        assertEquals("vgchange -ay labvg\n", Files.readString(state.resolve("vgchange.log")));
        assertTrue(Files.isExecutable(hook()));
        assertFalse(Files.exists(fs.resolve("lib/partman/init.d/70initial_auto")));
        String d = debconf();
        assertTrue(d.contains("d-i partman/confirm boolean true\n"), d);
        assertTrue(d.contains("d-i partman/choose_partition select finish\n"), d);
        assertFalse(d.contains("confirm boolean false"), d);
        assertTrue(Files.readString(fs.resolve("run/labctl-volumes")).contains("/dev/mapper/labvg-longhorn keep xfs /var/lib/longhorn\n"));
    }

    @Test
    void missingVolumeGroupFailsLoudlyAndNeverArmsPartman() throws Exception {
        Files.delete(state.resolve("vg_exists"));
        Run r = sh(script, tmp);
        assertFailedClosed(r, "volume group labvg not found; refusing to continue");
        assertFalse(Files.exists(state.resolve("vgchange.log")));
    }

    @Test
    void volumeGroupOnAnotherDiskFails() throws Exception {
        Files.writeString(state.resolve("pvs"), "  /dev/sdy3 labvg\n");
        assertFailedClosed(sh(script, tmp), "volume group labvg has physical volume /dev/sdy3 outside");
    }

    @Test
    void missingPartitionFails() throws Exception {
        Files.delete(fs.resolve("dev/sdz3"));
        assertFailedClosed(sh(script, tmp), "partition ");
    }

    @Test
    void missingLogicalVolumeFails() throws Exception {
        Files.delete(fs.resolve("dev/dm-5"));
        assertFailedClosed(sh(script, tmp), "device " + fs + "/dev/mapper/labvg-srv (mount point /srv) not found");
    }

    @Test
    void preservedVolumeWithoutFilesystemFails() throws Exception {
        Files.delete(state.resolve("fstype/dm-6"));
        assertFailedClosed(sh(script, tmp), "preserved volume " + fs + "/dev/mapper/labvg-longhorn (/var/lib/longhorn)"
                + " should carry xfs but has ''");
    }

    @Test
    void hookMarksDevicesLikeManualPartitioning() throws Exception {
        assertEquals(0, sh(script, tmp).exit());
        Path devices = fs.resolve("var/lib/partman/devices");
        Path disk = Files.createDirectories(devices.resolve("=dev=sdz"));
        Files.writeString(disk.resolve("partitions"), String.join("\n",
                "1 1048576-630194175 629145600 primary fat32 " + fs + "/dev/sdz1 EFI",
                "2 630194176-3851419647 3221225472 primary ext4 " + fs + "/dev/sdz2 boot",
                "3 3851419648-536870911999 533019492352 primary lvm " + fs + "/dev/sdz3 pv",
                "- 537000000000-537000999999 1000000 primary free " + fs + "/dev/sdz-1 free", ""));
        for (int i = 0; i < LVS.size(); i++) {
            Path lv = Files.createDirectories(devices.resolve("=dev=mapper=labvg-" + LVS.get(i)));
            Files.writeString(lv.resolve("partitions"), "1 0-1023 1024 primary xfs " + fs + "/dev/mapper/labvg-"
                    + LVS.get(i) + " " + LVS.get(i) + "\n");
        }
        Run r = sh(hook(), tmp);
        assertEquals(0, r.exit(), r.out());
        Path efi = disk.resolve("1048576-630194175");
        assertEquals("efi\n", Files.readString(efi.resolve("method")));
        assertTrue(Files.exists(efi.resolve("format")));
        Path boot = disk.resolve("630194176-3851419647");
        assertEquals("format\n", Files.readString(boot.resolve("method")));
        assertEquals("ext4\n", Files.readString(boot.resolve("filesystem")));
        assertEquals("/boot\n", Files.readString(boot.resolve("mountpoint")));
        assertFalse(Files.exists(disk.resolve("3851419648-536870911999")), "PV must not be touched");
        for (String lv : LVS) {
            Path id = devices.resolve("=dev=mapper=labvg-" + lv).resolve("0-1023");
            boolean keep = List.of("home", "srv", "longhorn").contains(lv);
            String method = lv.equals("swap") ? "swap" : keep ? "keep" : "format";
            assertEquals(method + "\n", Files.readString(id.resolve("method")), lv);
            assertEquals(!keep, Files.exists(id.resolve("format")), lv + " format flag");
        }
        assertEquals("/var/lib/longhorn\n",
                Files.readString(devices.resolve("=dev=mapper=labvg-longhorn/0-1023/mountpoint")));
        assertEquals("/\n", Files.readString(devices.resolve("=dev=mapper=labvg-root/0-1023/mountpoint")));

        // a volume partman does not see -> the hook fails, partman stops
        Files.delete(devices.resolve("=dev=mapper=labvg-srv/partitions"));
        assertNotEquals(0, sh(hook(), tmp).exit());
    }
}
