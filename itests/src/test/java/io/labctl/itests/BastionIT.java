package io.labctl.itests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.labctl.itests.support.Cli;
import io.labctl.itests.support.Labd;
import io.labctl.itests.support.Netns;
import io.labctl.itests.support.Ports;
import io.labctl.itests.support.Processes;
import io.labctl.protocol.ServerInfo;
import io.labctl.protocol.provision.MachineInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bastion inside labd (labd-bastion), with real clients on a second host (a network namespace over a veth):
 * busybox udhcpc for DHCP, curl for TFTP and for the HTTP a booting machine and its installer speak. The machine
 * walks discovery, inventory, plan, installer files, and self-enrolment: the installer's agent script runs against
 * a scratch root and the agent it installs enrols with the installer's one-time token. (PXE with a real iPXE in
 * qemu is PxeBootE2E, in its own profile.)
 */
class BastionIT {
    static final String MAC = "52:54:00:77:09:01";
    static final String HYP = "52-54-00-77-09-01";
    /** The client namespace's own interface: its DHCP, and TFTP from its address, are this machine's. */
    static final String NS_MAC = "52:54:00:77:09:05";
    static final String NS_HYP = "52-54-00-77-09-05";

    @TempDir
    static Path dir;
    static Netns client;
    static Labd labd;
    static Cli admin;
    static int http;
    static int tftp;
    static String base;
    static final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Netns.available(), "needs root and iproute2 (ip netns)");
        assumeTrue(Files.isExecutable(Path.of("/bin/busybox")) || Files.isExecutable(Path.of("/usr/bin/busybox")),
                "needs busybox (udhcpc)");
        String iface = "lbs" + ProcessHandle.current().pid() % 10000;
        client = Netns.create("labcl" + ProcessHandle.current().pid() % 10000);
        // a fixed address for HTTP and TFTP; udhcpc asks for a lease on the same link (its script only prints it)
        client.veth(iface, "10.77.19.1/24", "eth0", "10.77.19.2/24");
        client.in("link", "set", "dev", "eth0", "address", NS_MAC);

        labd = Labd.install(dir.resolve("labd"), null);
        http = Ports.free();
        tftp = Ports.free();
        base = "http://10.77.19.1:" + http;
        Path ipxe = Files.createDirectories(dir.resolve("ipxe"));
        Files.write(ipxe.resolve("undionly.kpxe"), bytes(70_000));
        Files.writeString(labd.home.resolve("etc/io.labctl.bastion.cfg"), String.join("\n",
                "interfaceName = " + iface, "serverAddress = 10.77.19.1", "dhcpMode = full",
                "poolStart = 10.77.19.100", "poolEnd = 10.77.19.110", "httpPort = " + http, "tftpPort = " + tftp,
                "ipxeDirectory = " + ipxe, "agentDistribution = " + System.getProperty("agent.dist"),
                "environment = rack9", "waitSeconds = 1", "") );
        labd.start();
        Files.createDirectories(dir.resolve("cli"));
        admin = new Cli(dir.resolve("cli/config.yaml"));
        admin.ok("config", "import", labd.adminBundle().toString());
        Processes.await("the bastion's HTTP (see " + labd.log() + ")", Duration.ofSeconds(60),
                () -> curl("-fsS", base + "/boot.ipxe").exitCode() == 0);
    }

    @AfterAll
    static void stop() throws Exception {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        if (labd != null) {
            labd.close();
        }
        if (client != null) {
            client.close();
        }
    }

    @Test
    void dhcpOnItsInterfaceAndTftpServeTheBootFiles() throws Exception {
        Path script = dir.resolve("udhcpc.sh");
        Files.writeString(script, "#!/bin/sh\n[ \"$1\" = bound ] && echo \"ip=$ip router=$router dns=$dns boot=$boot_file\"\nexit 0\n");
        Files.setPosixFilePermissions(script, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE));
        Processes.Result lease = Processes.run(dir, client.exec("busybox", "udhcpc", "-i", "eth0", "-n", "-q", "-f",
                "-t", "5", "-T", "2", "-s", script.toString()), Duration.ofSeconds(60));
        assertEquals(0, lease.exitCode(), lease.toString());
        assertTrue(lease.stdout().matches("(?s).*ip=10\\.77\\.19\\.1(0\\d|10) router=10\\.77\\.19\\.1 dns=10\\.77\\.19\\.1.*"),
                lease.stdout());

        Path got = dir.resolve("undionly.kpxe");
        Processes.Result fetched = curl("-fsS", "--tftp-blksize", "1468", "-o", got.toString(),
                "tftp://10.77.19.1:" + tftp + "/undionly.kpxe");
        assertEquals(0, fetched.exitCode(), fetched.toString());
        assertArrayEquals(Files.readAllBytes(dir.resolve("ipxe/undionly.kpxe")), Files.readAllBytes(got));
        Processes.Result entry = curl("-fsS", "tftp://10.77.19.1:" + tftp + "/boot.ipxe");
        assertTrue(entry.stdout().startsWith("#!ipxe") && entry.stdout().contains(base + "/provision/"), entry.toString());
        assertNotEquals(0, curl("-fsS", "--path-as-is", "tftp://10.77.19.1:" + tftp + "/../labd/etc/labd-master.key").exitCode());
    }

    @Test
    void aMachineIsDiscoveredPlannedInstalledAndEnrolsItself() throws Exception {
        // iPXE chains to its own script with what it knows: an unknown MAC is discovered and sent to the inventory
        String first = curl("-fsS", base + "/provision/" + HYP + "/boot.ipxe?platform=pcbios&buildarch=i386&memsize=2048").stdout();
        assertTrue(first.contains("/installer/linux") && first.contains("/provision/" + HYP + "/inventory.cfg"), first);
        MachineInfo discovered = admin.machine(MAC).orElseThrow();
        assertEquals("discovered", discovered.state());
        assertEquals("rack9", discovered.environment());
        assertEquals("pcbios", discovered.facts().get("ipxe.platform"));
        assertTrue(curl("-fsS", base + "/provision/" + HYP + "/inventory.sh").stdout().contains(base + "/provision/" + HYP + "/inventory"));

        // the inventory (what the installer's early_command posts); then the machine waits for a plan
        String inventory = "disk.count=2\ndisk.0.id=/dev/disk/by-id/usb-Stick_1\ndisk.0.name=sda\ndisk.0.size=16000000000\n"
                + "disk.0.removable=1\ndisk.0.rotational=0\ndisk.1.id=/dev/disk/by-id/ata-BIG_DISK_1\ndisk.1.name=sdb\n"
                + "disk.1.size=500107862016\ndisk.1.removable=0\ndisk.1.rotational=1\n";
        assertEquals(0, curl("-fsS", "--data-binary", inventory, base + "/provision/" + HYP + "/inventory").exitCode());
        String waiting = curl("-fsS", base + "/provision/" + HYP + "/boot.ipxe?wait=1").stdout();
        assertTrue(waiting.contains("has no plan") && waiting.contains("chain --replace"), waiting);
        assertEquals("/dev/disk/by-id/ata-BIG_DISK_1", admin.machine(MAC).orElseThrow().facts().get("disk.1.id"));

        // bad plans are refused with the reason, and change nothing
        Processes.Result unreported = admin.run("provision", "install", MAC, "node7", "--role", "worker", "--disk", "ata-OTHER");
        assertEquals(1, unreported.exitCode(), unreported.toString());
        assertTrue(unreported.stderr().contains("ata-BIG_DISK_1"), unreported.stderr());
        Processes.Result reprovision = admin.run("provision", "reprovision", MAC, "node7", "--role", "worker");
        assertEquals(1, reprovision.exitCode());
        assertTrue(reprovision.stderr().contains("use 'labctl provision install'"), reprovision.stderr());
        assertEquals(2, admin.run("provision", "install", "not-a-mac", "node7", "--role", "worker").exitCode());
        assertEquals("discovered", admin.machine(MAC).orElseThrow().state());

        admin.ok("provision", "install", MAC, "node7", "--role", "worker");
        Processes.Result again = admin.run("provision", "install", MAC, "node8", "--role", "infra");
        assertEquals(1, again.exitCode());
        assertTrue(again.stderr().contains("already has a plan"), again.stderr());

        String install = curl("-fsS", base + "/provision/" + HYP + "/boot.ipxe").stdout();
        assertTrue(install.contains("hostname=node7") && install.contains("/provision/" + HYP + "/preseed.cfg"), install);
        String preseed = curl("-fsS", base + "/provision/" + HYP + "/preseed.cfg").stdout();
        // the first non-removable disk the machine reported, by id; never the USB stick
        assertTrue(preseed.contains("d-i partman-auto/disk string /dev/disk/by-id/ata-BIG_DISK_1"), preseed);
        assertFalse(preseed.contains("usb-Stick_1"));
        assertTrue(preseed.contains("lv_name{ longhorn }"));
        assertFalse(preseed.contains("lab1."), "the preseed carries no join token");
        assertEquals("installing", admin.machine(MAC).orElseThrow().state());

        // the post-install step, against a scratch root: installs lab-agent with a one-time token for node7
        String agentInstaller = curl("-fsS", base + "/provision/" + HYP + "/agent-install.sh").stdout();
        Path scratch = Files.createDirectories(dir.resolve("root"));
        Path installerFile = dir.resolve("agent-install.sh");
        Files.writeString(installerFile, agentInstaller);
        Processes.Result ran = Processes.run(dir, client.exec("env", "ROOT=" + scratch, "bash", installerFile.toString()),
                Duration.ofMinutes(2));
        assertEquals(0, ran.exitCode(), ran.toString());
        Path agentHome = scratch.resolve("opt/lab-agent");
        assertTrue(Files.isExecutable(agentHome.resolve("bin/lab-agent")));
        assertTrue(Files.isSymbolicLink(scratch.resolve("etc/systemd/system/multi-user.target.wants/lab-agent.service")));
        Path tokenFile = agentHome.resolve("etc/join-token");
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(tokenFile));
        String token = Files.readString(tokenFile).strip();
        assertFalse(ran.stdout().contains(token) || ran.stderr().contains(token), "the token is never printed");
        String agentCfg = Files.readString(agentHome.resolve("etc/io.labctl.agent.cfg"));
        assertTrue(agentCfg.contains("name = node7") && agentCfg.contains(labd.url()), agentCfg);

        // the installed agent enrols by itself (its token file path is the installed system's, so it comes through
        // the environment here), and appears as node7 in the installer's cloud, environment and role
        Path console = agentHome.resolve("console.log");
        ProcessBuilder pb = new ProcessBuilder(agentHome.resolve("bin/lab-agent").toString()).directory(agentHome.toFile())
                .redirectErrorStream(true).redirectOutput(console.toFile());
        pb.environment().put("LABCTL_TOKEN", token);
        started.add(pb.start());
        Processes.await("the installed agent to enrol as node7 (see " + console + ")", Duration.ofSeconds(120), () ->
                admin.servers().stream().anyMatch(s -> s.name().equals("node7") && ServerInfo.ONLINE.equals(s.status())));
        ServerInfo node7 = admin.servers().stream().filter(s -> s.name().equals("node7")).findFirst().orElseThrow();
        assertEquals("baremetal", node7.cloud());
        assertEquals("rack9", node7.environment());
        assertEquals("worker", node7.role());

        // the installer reports success: the next boot is from the local disk, and the plan does not repeat
        assertEquals(0, curl("-fsS", "-X", "POST", base + "/provision/" + HYP + "/installed").exitCode());
        assertEquals("installed", admin.machine(MAC).orElseThrow().state());
        String local = curl("-fsS", base + "/provision/" + HYP + "/boot.ipxe").stdout();
        assertTrue(local.contains("sanboot") && !local.contains("kernel "), local);
        assertEquals(22, curl("-fsS", base + "/provision/" + HYP + "/preseed.cfg").exitCode(), "no installer after the install");

        // the audit log has the plan
        assertTrue(admin.ok("logs", "audit", "--action", "provision").contains("provision.plan"));
    }

    /**
     * labctl logs bastion/ENV: what the bastion saw of one machine, from real clients: busybox udhcpc's DHCP (by its
     * MAC), curl's TFTP (no MAC on the wire: the bastion finds it in the kernel's ARP table), curl's boot HTTP; as a
     * table, as JSON lines, and followed. Who may read it, and what a mistake gets.
     */
    @Test
    void theBastionsLogShowsWhatOneMachineDidFromDhcpToItsBootScript() throws Exception {
        Path script = dir.resolve("udhcpc-quiet.sh");
        Files.writeString(script, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(script, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_EXECUTE));
        Processes.Result lease = Processes.run(dir, client.exec("busybox", "udhcpc", "-i", "eth0", "-n", "-q", "-f",
                "-t", "5", "-T", "2", "-s", script.toString()), Duration.ofSeconds(60));
        assertEquals(0, lease.exitCode(), lease.toString());
        assertEquals(0, curl("-fsS", "-o", "/dev/null", "tftp://10.77.19.1:" + tftp + "/undionly.kpxe").exitCode());
        assertNotEquals(0, curl("-fsS", "-o", "/dev/null", "tftp://10.77.19.1:" + tftp + "/snponly.efi").exitCode());
        assertEquals(0, curl("-fsS", "-o", "/dev/null", base + "/provision/" + NS_HYP + "/boot.ipxe?platform=efi").exitCode());

        String[] table = new String[1];
        Processes.await("the bastion's events of " + NS_MAC + " in labd", Duration.ofSeconds(30), () -> holds(() -> {
            table[0] = admin.ok("logs", "bastion/rack9", "--mac", NS_MAC);
            return table[0].contains("boot ");
        }));
        String log = table[0];
        assertTrue(log.matches("(?s).*" + NS_MAC + "  dhcp +DISCOVER \\(no PXE\\) -> OFFER 10\\.77\\.19\\.1\\d\\d.*"), log);
        assertTrue(log.matches("(?s).*" + NS_MAC + "  dhcp +REQUEST \\(no PXE\\) -> ACK 10\\.77\\.19\\.1\\d\\d.*"), log);
        assertTrue(log.contains(NS_MAC + "  tftp       sent undionly.kpxe (70000 bytes"), log);
        assertTrue(log.contains(NS_MAC + "  tftp       failed snponly.efi to 10.77.19.2"), log);
        assertTrue(log.contains(NS_MAC + "  http       GET /provision/" + NS_HYP + "/boot.ipxe 200 ("), log);
        // its facts: iPXE's platform, and what DHCP saw (architecture, vendor class)
        assertTrue(log.contains(NS_MAC + "  boot       reported to labd with 3 facts: discovered (no plan); script:"
                + " discovery (report the disks)"), log);
        assertFalse(log.contains(MAC), "only the machine asked for");
        // one JSON object a line, each of this machine and this bastion
        for (String line : admin.ok("logs", "bastion/rack9", "--mac", NS_HYP, "-o", "json").split("\n")) {
            io.labctl.protocol.provision.BastionEvent e = io.labctl.protocol.Json.json().readValue(line,
                    io.labctl.protocol.provision.BastionEvent.class);
            assertEquals(NS_MAC, e.mac());
            assertEquals("labd", e.bastion());
        }
        // the whole environment: the bastion's start too
        assertTrue(admin.ok("logs", "bastion/rack9").contains("bastion    started on"));

        // followed: a request made after the follow began arrives while it runs
        Path followed = dir.resolve("follow.out");
        Process follow = new ProcessBuilder(admin.command("logs", "bastion/rack9", "--mac", NS_MAC, "-f", "-n", "1"))
                .redirectOutput(followed.toFile()).redirectError(dir.resolve("follow.err").toFile()).start();
        started.add(follow);
        Path followErr = dir.resolve("follow.err");
        try {
            Processes.await("the follow's first line", Duration.ofSeconds(30),
                    () -> holds(() -> Files.readString(followed).contains(NS_MAC)));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; alive " + follow.isAlive() + ", stdout: "
                    + Files.readString(followed) + ", stderr: " + Files.readString(followErr) + ", labd's log: "
                    + String.join("\n", Files.readAllLines(labd.log()).stream().filter(l -> l.contains("astion")
                    || l.contains("ERROR") || l.contains("WARN")).toList()));
        }
        assertEquals(0, curl("-fsS", "-o", "/dev/null", base + "/provision/" + NS_HYP + "/inventory.sh").exitCode());
        Processes.await("the followed request", Duration.ofSeconds(30),
                () -> holds(() -> Files.readString(followed).contains("GET /provision/" + NS_HYP + "/inventory.sh 200")));
        follow.destroy();

        // mistakes and refusals
        Processes.Result badMac = admin.run("logs", "bastion/rack9", "--mac", "52:54:00:77");
        assertEquals(2, badMac.exitCode(), badMac.toString());
        assertTrue(badMac.stderr().contains("is not a MAC address"), badMac.stderr());
        Processes.Result unknown = admin.run("logs", "bastion/rack7");
        assertEquals(1, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.stderr().contains("no bastion has reported in environment rack7"), unknown.stderr());
        admin.ok("create", "role", "lab-reader", "--allow", "read:baremetal:lab:*");
        Path bundle = dir.resolve("lena.labctl.yaml");
        admin.ok("create", "user", "lena", "--out", bundle.toString());
        admin.ok("bind", "role", "lab-reader", "--user", "lena");
        Files.createDirectories(dir.resolve("cli-lena"));
        Cli lena = new Cli(dir.resolve("cli-lena/config.yaml"));
        lena.ok("config", "import", bundle.toString());
        Processes.Result denied = lena.run("logs", "bastion/rack9", "--mac", NS_MAC);
        assertEquals(1, denied.exitCode(), denied.toString());
        assertTrue(denied.stderr().contains("baremetal:rack9"), denied.stderr());
        assertTrue(admin.ok("logs", "audit", "--user", "lena", "--action", "bastion.events").contains("denied"));
    }

    @Test
    void badRequestsFromTheNetworkGetAClearNoAndNothingMore() throws Exception {
        assertEquals(22, curl("-fsS", base + "/provision/zz-zz/boot.ipxe").exitCode());
        assertEquals(22, curl("-fsS", "--path-as-is", base + "/installer/../../etc/passwd").exitCode());
        assertEquals(22, curl("-fsS", base + "/provision/" + HYP.replace("01", "02") + "/preseed.cfg").exitCode(),
                "no installer files without a plan");
        Processes.Result big = curl("-sS", "-o", "/dev/null", "-w", "%{http_code}", "--data-binary",
                "@" + Files.write(dir.resolve("big"), bytes(20_000)), base + "/provision/" + HYP.replace("01", "03") + "/inventory");
        assertEquals("413", big.stdout().strip());
        Processes.Result injected = curl("-sS", "-o", "/dev/null", "-w", "%{http_code}", "--data-binary",
                "disk.0.id=/dev/disk/by-id/x\u0007\n", base + "/provision/" + HYP.replace("01", "04") + "/inventory");
        assertEquals("409", injected.stdout().strip(), "labd refuses control characters in facts");
    }

    static boolean holds(java.util.concurrent.Callable<Boolean> check) {
        try {
            return check.call();
        } catch (Exception e) {
            return false;
        }
    }

    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new java.util.Random(n).nextBytes(b);
        return b;
    }

    static Processes.Result curl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("curl", "--max-time", "30"));
        cmd.addAll(List.of(args));
        try {
            return Processes.run(dir, client.exec(cmd.toArray(String[]::new)), Duration.ofSeconds(60));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
