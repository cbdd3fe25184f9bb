package io.labctl.bastion.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Assertions independent of the golden files. */
class RenderedContentTest {

    private static List<String> lines(String s, String prefix) {
        return s.lines().filter(l -> l.startsWith(prefix)).collect(Collectors.toList());
    }

    private static String logvolLine(String ks, String name) {
        return lines(ks, "logvol ").stream().filter(l -> l.contains(" --name=" + name + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no logvol " + name));
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void kickstartInstallHasEveryVolumeWithSize(Role role) {
        String ks = KickstartRenderer.render(Fixtures.ctx(role, InstallMode.INSTALL));
        DiskLayout layout = DiskLayout.forRole(role);
        assertTrue(ks.contains("part /boot/efi --fstype=efi --size=600 "), ks);
        assertTrue(ks.contains("part /boot --fstype=ext4 --size=3072 "), ks);
        assertTrue(ks.contains("part pv.01 --size=1 --grow "), ks);
        assertTrue(ks.contains("volgroup labvg pv.01\n"), ks);
        for (Volume lv : layout.logicalVolumes()) {
            String l = logvolLine(ks, lv.name());
            assertTrue(l.startsWith("logvol " + lv.mountPointOrKeyword() + " "), l);
            assertTrue(l.contains(" --size=" + lv.sizeMiB()), l);
            assertEquals(lv.rest(), l.endsWith(" --grow"), l);
            assertTrue(l.contains(" --fstype=" + lv.fs().id()), l);
        }
        assertEquals(7, lines(ks, "logvol ").size());
        assertTrue(ks.contains("tmpfs /tmp tmpfs size=4096m"), ks);
        assertTrue(ks.contains(role == Role.WORKER
                ? "logvol /var/lib/longhorn --vgname=labvg --name=longhorn --fstype=xfs --size=10240 --grow"
                : "logvol /var/lib/rancher --vgname=labvg --name=rancher --fstype=xfs --size=20480\n"), ks);
        assertTrue(ks.contains("clearpart --all --initlabel --drives=/dev/disk/by-id/ata-QEMU_HARDDISK_QM00001\n"));
        assertTrue(ks.contains("ignoredisk --only-use=/dev/disk/by-id/ata-QEMU_HARDDISK_QM00001\n"));
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void kickstartReprovisionKeepsPreservedVolumes(Role role) {
        String ks = KickstartRenderer.render(Fixtures.ctx(role, InstallMode.REPROVISION));
        assertFalse(ks.contains("clearpart"), ks);
        assertFalse(ks.contains("zerombr"), ks);
        assertFalse(ks.contains("--grow"), ks);
        assertFalse(ks.contains("--size="), ks);
        assertTrue(ks.contains("part pv.01 --onpart=/dev/disk/by-id/ata-QEMU_HARDDISK_QM00001-part3 --noformat\n"), ks);
        assertTrue(ks.contains("volgroup labvg --useexisting --noformat\n"), ks);
        assertTrue(ks.contains("part /boot/efi --fstype=efi --onpart=/dev/disk/by-id/ata-QEMU_HARDDISK_QM00001-part1\n"));
        assertTrue(ks.contains("part /boot --fstype=ext4 --onpart=/dev/disk/by-id/ata-QEMU_HARDDISK_QM00001-part2\n"));
        DiskLayout layout = DiskLayout.forRole(role);
        for (Volume lv : layout.logicalVolumes()) {
            String l = logvolLine(ks, lv.name());
            assertTrue(l.contains(" --useexisting"), l);
            assertEquals(lv.preservedOnReprovision(), l.endsWith(" --noformat"), l);
        }
        for (String mp : List.of("/home", "/srv", layout.dataVolume().mountPoint().orElseThrow())) {
            assertTrue(lines(ks, "logvol " + mp + " ").get(0).endsWith("--useexisting --noformat"), mp);
        }
        for (String mp : List.of("/", "/var", "/var/log", "swap")) {
            assertTrue(lines(ks, "logvol " + mp + " ").get(0).endsWith(" --useexisting"), mp);
        }
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void preseedInstallRecipeMatchesLayout(Role role) {
        String ps = PreseedRenderer.render(Fixtures.ctx(role, InstallMode.INSTALL));
        DiskLayout layout = DiskLayout.forRole(role);
        assertTrue(ps.contains("d-i partman-auto/disk string /dev/disk/by-id/ata-QEMU_HARDDISK_QM00001\n"));
        assertTrue(ps.contains("d-i partman-auto/method string lvm\n"));
        assertTrue(ps.contains("d-i partman-auto-lvm/new_vg_name string labvg\n"));
        assertTrue(ps.contains("d-i grub-installer/bootdev string /dev/disk/by-id/ata-QEMU_HARDDISK_QM00001\n"));
        String recipe = recipe(ps);
        for (Volume lv : layout.logicalVolumes()) {
            long mb = PreseedRenderer.mibToMb(lv.sizeMiB());
            Pattern p = Pattern.compile(mb + " " + mb + " " + (lv.rest() ? "-1" : Long.toString(mb))
                    + " \\S+ \\\\\n\\s+\\$lvmok\\{ \\} in_vg\\{ labvg \\} lv_name\\{ " + lv.name() + " \\}"
                    + "[^.]*" + (lv.mountPoint().isPresent()
                            ? "mountpoint\\{ " + Pattern.quote(lv.mountPoint().get()) + " \\}" : "method\\{ swap \\}"));
            assertTrue(p.matcher(recipe).find(), lv.name() + " not in recipe:\n" + recipe);
        }
        assertTrue(recipe.contains("630 630 630 free"), recipe);
        assertTrue(recipe.contains("3222 3222 3222 ext4"), recipe);
        assertTrue(recipe.contains("mountpoint{ /boot }"), recipe);
        assertTrue(recipe.contains("method{ efi }"), recipe);
        assertEquals(7, count(recipe, "lv_name{ "));
        assertTrue(ps.contains("tmpfs /tmp tmpfs size=4096m"), ps);
        assertTrue(ps.contains("in-target curl -fsS --retry 5 --retry-delay 3 --retry-connrefused -X POST "
                + "'http://10.78.0.1:8080/provision/52-54-00-12-34-56/installed'"), ps);
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void preseedReprovisionNeverWipes(Role role) {
        InstallContext ctx = Fixtures.ctx(role, InstallMode.REPROVISION);
        String ps = PreseedRenderer.render(ctx);
        for (String forbidden : List.of("expert_recipe", "partman-auto/method", "partman/confirm ",
                "partman-lvm/device_remove_lvm", "purge_lvm", "partman-auto/disk")) {
            assertFalse(ps.contains(forbidden), forbidden + " in reprovision preseed");
        }
        assertTrue(ps.contains("d-i partman/early_command string wget -q -O /tmp/labctl-reprovision.sh "
                + "'http://10.78.0.1:8080/provision/52-54-00-12-34-56/reprovision-early.sh' && sh /tmp/labctl-reprovision.sh"));
        String early = PreseedRenderer.renderReprovisionEarlyScript(ctx);
        for (String forbidden : List.of("mkfs", "pvcreate", "vgcreate", "vgremove", "lvremove", "pvremove", "wipefs",
                "dd if=", "sgdisk", "parted ")) {
            assertFalse(early.contains(forbidden), forbidden + " in early script");
        }
        String table = early.substring(early.indexOf("<<'LABCTL_TABLE'\n") + 17, early.indexOf("LABCTL_TABLE\n\n"));
        String data = DiskLayout.forRole(role).dataVolume().name();
        String dataMp = DiskLayout.forRole(role).dataVolume().mountPoint().orElseThrow();
        assertEquals(String.join("\n",
                "/dev/disk/by-id/ata-QEMU_HARDDISK_QM00001-part1 efi vfat /boot/efi",
                "/dev/disk/by-id/ata-QEMU_HARDDISK_QM00001-part2 format ext4 /boot",
                "/dev/mapper/labvg-swap swap swap -",
                "/dev/mapper/labvg-root format xfs /",
                "/dev/mapper/labvg-var format xfs /var",
                "/dev/mapper/labvg-varlog format xfs /var/log",
                "/dev/mapper/labvg-home keep xfs /home",
                "/dev/mapper/labvg-srv keep xfs /srv",
                "/dev/mapper/labvg-" + data + " keep xfs " + dataMp) + "\n", table);
        assertTrue(early.contains("|| fail \"volume group $VG not found; refusing to continue"), early);
        // confirmations are only preseeded at the very end, after every check
        assertTrue(early.indexOf("debconf-set-selections \"$SEED\"") > early.lastIndexOf("|| fail \"preserved volume"));
    }

    @ParameterizedTest
    @EnumSource(InstallMode.class)
    void onlyTheByIdDiskIsNamedAndNoSecretLeaks(InstallMode mode) {
        for (Role role : Role.values()) {
            InstallContext ctx = Fixtures.ctx(role, mode);
            List<String> outs = new java.util.ArrayList<>(List.of(KickstartRenderer.render(ctx), PreseedRenderer.render(ctx)));
            if (mode == InstallMode.REPROVISION) {
                outs.add(PreseedRenderer.renderReprovisionEarlyScript(ctx));
            } else {
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                        () -> PreseedRenderer.renderReprovisionEarlyScript(ctx));
            }
            for (String out : outs) {
                assertFalse(out.contains(Fixtures.TOKEN), "token leaked");
                assertFalse(out.contains(" sda"), "kernel name used");
                Matcher m = Pattern.compile("/dev/(?!disk/by-id/ata-QEMU_HARDDISK_QM00001(-part[123])?[\\s'\",.]"
                        + "|mapper/labvg-[a-z]+\\s|null\\b)\\S*").matcher(out);
                assertFalse(m.find(), () -> "unexpected device " + m.group() + " in\n" + out);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void agentInstallerIsTheOnlyFileWithTheToken(Role role) {
        String s = AgentInstallerRenderer.render(Fixtures.ctx(role, InstallMode.INSTALL), "ab".repeat(32));
        assertEquals(1, count(s, Fixtures.TOKEN));
        assertTrue(s.contains("JOIN_TOKEN='" + Fixtures.TOKEN + "'\n"));
        assertTrue(s.contains("TARBALL_URL='http://10.78.0.1:8080/agent/lab-agent.tar.gz'\n"));
        assertTrue(s.contains("LABD_URL='https://labd.lab.example:8443'\n"));
        assertTrue(s.contains("AGENT_NAME='node01.lab.example'\n"));
        assertTrue(s.contains("ROOT=\"${ROOT:-/}\"\n"), "shell expansion must survive the template");
    }

    private static String recipe(String ps) {
        int i = ps.indexOf("d-i partman-auto/expert_recipe string");
        int j = ps.indexOf("\nd-i ", i + 1);
        return ps.substring(i, j);
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
