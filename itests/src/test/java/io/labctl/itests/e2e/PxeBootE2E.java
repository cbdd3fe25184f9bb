package io.labctl.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.itests.support.Cli;
import io.labctl.itests.support.Labd;
import io.labctl.itests.support.Netns;
import io.labctl.itests.support.Processes;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.provision.MachineInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PXE end to end, as an operator runs it: labd on this host; a standalone bastion started with
 * 'labctl init bastion standalone start' on another host (a network namespace reached over a veth) that serves
 * DHCP on a bridge; a qemu VM (software emulation) on that bridge that PXE-boots with iPXE. An unknown MAC is
 * discovered, boots once into the Debian installer to report its disks, waits for a plan, and after
 * 'labctl provision install' boots the installer kernel, which fetches its per-MAC preseed (the machine is then
 * "installing"). The installation itself needs a Debian mirror, which these machines cannot reach.
 *
 * Runs in the Maven profile pxe-e2e (about 5 minutes): mvn -B verify -Ppxe-e2e -pl itests
 * Needs root and the Debian packages qemu-system-x86, ipxe-qemu, debian-installer-12-netboot-amd64.
 */
class PxeBootE2E {
    static final String MAC = "52:54:00:e2:e0:01";
    static final Path INSTALLER = Path.of("/usr/lib/debian-installer/images/12/amd64/text/debian-installer/amd64");

    @TempDir
    static Path dir;
    static Netns site;
    static Labd labd;
    static Cli admin;
    static Process vm;
    static Path serial;

    @BeforeAll
    static void start() throws Exception {
        assertTrue(Netns.available(), "the PXE end-to-end test needs root and iproute2 (ip netns)");
        assertTrue(Files.isExecutable(Path.of("/usr/bin/qemu-system-x86_64")), "install qemu-system-x86 and ipxe-qemu");
        assertTrue(Files.isRegularFile(INSTALLER.resolve("linux")), "install debian-installer-12-netboot-amd64");

        site = Netns.create("labpxe" + ProcessHandle.current().pid() % 10000);
        site.veth("lpx" + ProcessHandle.current().pid() % 10000, "10.79.0.1/24", "uplink", "10.79.0.2/24");
        site.in("link", "add", "br0", "type", "bridge");
        site.in("tuntap", "add", "dev", "tap0", "mode", "tap");
        site.in("link", "set", "tap0", "master", "br0");
        site.in("addr", "add", "10.78.0.1/24", "dev", "br0");
        site.in("link", "set", "br0", "up");
        site.in("link", "set", "tap0", "up");

        labd = Labd.install(dir.resolve("labd"), null);
        // reachable from the bastion's network too: all addresses, advertised on the veth
        Files.writeString(labd.home.resolve("etc/io.labctl.web.cfg"), "host = 0.0.0.0\nport = " + labd.port
                + "\nadvertiseUrl = https://10.79.0.1:" + labd.port + "\n");
        labd.start();
        Files.createDirectories(dir.resolve("cli"));
        admin = new Cli(dir.resolve("cli/config.yaml"));
        admin.ok("config", "import", labd.adminBundle().toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (vm != null) {
            vm.destroyForcibly();
        }
        if (admin != null && site != null) {
            admin.inNamespace(site.name).run("init", "bastion", "standalone", "stop", "--data-dir",
                    dir.resolve("bastion").toString());
        }
        if (labd != null) {
            labd.close();
        }
        if (site != null) {
            site.close();
        }
    }

    @Test
    void anUnknownMachineIsDiscoveredInventoriedAndInstalledFromItsPlan() throws Exception {
        Cli onSite = admin.inNamespace(site.name);
        String started = onSite.ok("init", "bastion", "standalone", "start", "--interface", "br0",
                "--dhcp", "full", "--pool", "10.78.0.100-10.78.0.150", "--port", "8080", "--env", "e2e",
                "--name", "pxe-bastion", "--data-dir", dir.resolve("bastion").toString(),
                "--agent-dist", System.getProperty("agent.dist"));
        assertTrue(started.contains("http://10.78.0.1:8080"), started);
        Processes.await("the bastion to enrol with labd as role bastion", Duration.ofSeconds(90), () ->
                admin.servers().stream().anyMatch(s -> s.name().equals("pxe-bastion") && "bastion".equals(s.role())
                        && ServerInfo.ONLINE.equals(s.status())));
        assertEquals(0, onSite.run("init", "bastion", "standalone", "status", "--data-dir",
                dir.resolve("bastion").toString()).exitCode());

        Path disk = dir.resolve("disk.qcow2");
        Processes.Result img = Processes.run(dir, List.of("qemu-img", "create", "-f", "qcow2", disk.toString(), "300G"),
                Duration.ofSeconds(30));
        assertEquals(0, img.exitCode(), img.toString());
        serial = dir.resolve("serial.log");
        Instant powerOn = Instant.now();
        // The Debian 12 netboot initrd carries USB storage drivers (SATA, NVMe and virtio come from the mirror).
        vm = new ProcessBuilder(site.exec("qemu-system-x86_64", "-accel", "tcg", "-m", "1024", "-smp", "1",
                "-nographic", "-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
                "-device", "virtio-net-pci,netdev=n0,mac=" + MAC, "-device", "qemu-xhci",
                "-drive", "file=" + disk + ",if=none,id=d0,format=qcow2", "-device", "usb-storage,drive=d0,serial=labe2e",
                "-boot", "n")).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(serial.toFile()).start();

        Processes.await("the unknown MAC to be discovered (serial console: " + serial + ")", Duration.ofSeconds(120),
                () -> admin.machine(MAC).isPresent());
        MachineInfo discovered = admin.machine(MAC).orElseThrow();
        assertEquals("discovered", discovered.state());
        assertEquals("e2e", discovered.environment());
        assertEquals("pxe-bastion", discovered.bastion());
        assertEquals("pcbios", discovered.facts().get("ipxe.platform"), discovered.facts().toString());
        System.out.printf("discovered %.1f s after power-on%n", seconds(powerOn));

        Processes.await("the installer kernel to run (serial console: " + serial + ")", Duration.ofSeconds(180),
                () -> serialContains("Linux version"));
        System.out.printf("installer kernel (discovery inventory) running %.1f s after power-on%n", seconds(powerOn));
        Processes.await("the discovery inventory to report the disk (serial console: " + serial + ")",
                Duration.ofSeconds(300), () -> admin.machine(MAC).map(m -> m.facts().containsKey("disk.0.id")).orElse(false));
        MachineInfo inventoried = admin.machine(MAC).orElseThrow();
        assertTrue(inventoried.facts().get("disk.0.id").startsWith("/dev/disk/by-id/usb-"), inventoried.facts().toString());
        assertEquals("0", inventoried.facts().get("disk.0.removable"));
        System.out.printf("inventory reported %.1f s after power-on: %s%n", seconds(powerOn), inventoried.facts());

        Instant planned = Instant.now();
        admin.ok("provision", "install", MAC, "e2e-node", "--role", "worker");
        Processes.Result second = admin.run("provision", "install", MAC, "other-node", "--role", "infra");
        assertNotEquals(0, second.exitCode());
        assertTrue(second.stderr().contains("already has a plan"), second.toString());

        Processes.await("the installer to fetch its preseed (serial console: " + serial + ")", Duration.ofSeconds(360),
                () -> admin.machine(MAC).map(m -> "installing".equals(m.state())).orElse(false));
        System.out.printf("preseed fetched %.1f s after the plan%n", seconds(planned));
        assertTrue(serialContains("hostname=e2e-node"), "the install kernel was booted with the plan's host name");
        MachineInfo installing = admin.machine(MAC).orElseThrow();
        assertEquals("e2e-node", installing.hostname());
        assertEquals("worker", installing.role());
    }

    static double seconds(Instant since) {
        return Duration.between(since, Instant.now()).toMillis() / 1000.0;
    }

    static boolean serialContains(String text) {
        try {
            return Files.readString(serial, java.nio.charset.StandardCharsets.ISO_8859_1).contains(text);
        } catch (IOException e) {
            return false;
        }
    }
}
