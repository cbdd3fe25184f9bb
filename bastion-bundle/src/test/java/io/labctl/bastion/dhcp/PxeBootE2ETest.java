package io.labctl.bastion.dhcp;

import static io.labctl.bastion.dhcp.Ipv4.parse;
import static org.junit.jupiter.api.Assertions.*;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real PXE clients (qemu TCG: iPXE option ROM under SeaBIOS, or OVMF's own UEFI PXE) on a bridge in a netns.
 * Our server runs in this JVM on a veth into that bridge. In proxy tests dnsmasq hands out addresses only (no boot
 * options); in full-mode tests dnsmasq is only the TFTP server. The boot script URL exists only in our answers, so
 * iPXE fetching it over HTTP and echoing its marker proves the client took our boot information.
 * The proxyDHCP test with iPXE (about 25 s) runs in every build; the others (tagged e2e, about 2 minutes) in the
 * pxe-e2e profile. All skip where qemu or dnsmasq is missing.
 */
class PxeBootE2ETest {
    static final String MAC = "52:54:00:12:34:56";
    static final String MARKER = "LABCTL-PROXY-OK";
    /** Serial output that means the boot already failed, so there is no point waiting for MARKER. */
    static final List<String> GAVE_UP = List.of("Start HTTP Boot", "No bootable device", "No more network devices", "Shell>");

    @TempDir
    Path tmp;

    @Test
    void ipxeTakesBootFileFromProxy() throws Exception {
        boot(false, true, DhcpSettings.Mode.PROXY);
    }

    @Test
    @Tag("e2e")
    void fullModeBootsBiosIpxe() throws Exception {
        boot(false, true, DhcpSettings.Mode.FULL);
    }

    @Test
    @Tag("e2e")
    void fullModeBootsUefiFirmwarePxeIntoIpxe() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of(OVMF_CODE)) && Files.exists(Path.of("/usr/lib/ipxe/ipxe.efi")),
                "needs the ovmf package and /usr/lib/ipxe/ipxe.efi");
        boot(true, true, DhcpSettings.Mode.FULL);
    }

    /**
     * OVMF's own UEFI PXE (iPXE option ROM disabled with romfile=): it must take ipxe.efi from the proxy offer,
     * TFTP it from dnsmasq, and the chained iPXE must then take the HTTP script from the proxy too.
     */
    @Test
    @Tag("e2e")
    void uefiFirmwarePxeChainsIntoIpxeThroughProxy() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of(OVMF_CODE)) && Files.exists(Path.of("/usr/lib/ipxe/ipxe.efi")),
                "needs the ovmf package and /usr/lib/ipxe/ipxe.efi");
        boot(true, true, DhcpSettings.Mode.PROXY);
    }

    /**
     * Same, but the proxy OFFER carries no option 43: EDK2 then classifies it as "ProxyBINL" and must ask the
     * proxy again on UDP 4011 — exercising the unicast proxy ACK path with a real client.
     */
    @Test
    @Tag("e2e")
    void uefiFirmwarePxeUsesPort4011WhenOfferHasNoPxeOptions() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of(OVMF_CODE)) && Files.exists(Path.of("/usr/lib/ipxe/ipxe.efi")),
                "needs the ovmf package and /usr/lib/ipxe/ipxe.efi");
        boot(true, false, DhcpSettings.Mode.PROXY);
    }

    static final String OVMF_CODE = "/usr/share/OVMF/OVMF_CODE.fd";

    void boot(boolean uefi, boolean pxeVendorOptions, DhcpSettings.Mode mode) throws Exception {
        boolean full = mode == DhcpSettings.Mode.FULL;
        Netns.assumeUsable("ip", "dnsmasq", "qemu-system-x86_64");
        List<String> seen = new CopyOnWriteArrayList<>();
        List<String> httpHits = new CopyOnWriteArrayList<>();
        Process dnsmasq = null;
        Process qemu = null;
        Process tshark = null;
        HttpServer http = null;
        DhcpServer server = null;
        try (Netns net = new Netns()) {
            String ns = net.namespace("ldpx");
            String hostIf = "ldP" + net.id;
            String peer = "ldPc" + net.id;
            Netns.must("ip", "-n", ns, "link", "add", "br0", "type", "bridge");
            Netns.must("ip", "-n", ns, "addr", "add", "10.77.9.2/24", "dev", "br0");
            Netns.must("ip", "-n", ns, "link", "set", "br0", "up");
            Netns.must("ip", "-n", ns, "tuntap", "add", "dev", "tap0", "mode", "tap");
            Netns.must("ip", "-n", ns, "link", "set", "tap0", "master", "br0");
            Netns.must("ip", "-n", ns, "link", "set", "tap0", "up");
            net.veth(hostIf, "10.77.9.1/24", peer, ns, null);
            Netns.must("ip", "-n", ns, "link", "set", peer, "master", "br0");
            String pcap = System.getProperty("e2e.pcap"); // debugging aid: capture what our interface sees
            if (pcap != null) {
                tshark = new ProcessBuilder("tshark", "-q", "-i", hostIf, "-w", pcap).redirectErrorStream(true)
                        .redirectOutput(tmp.resolve("tshark.log").toFile()).start();
                Thread.sleep(2000);
            }

            http = HttpServer.create(new InetSocketAddress("10.77.9.1", 0), 0);
            http.createContext("/", ex -> {
                httpHits.add(ex.getRemoteAddress().getAddress().getHostAddress() + " " + ex.getRequestURI());
                byte[] body = ("#!ipxe\necho " + MARKER + " ${net0/ip}\n").getBytes(StandardCharsets.US_ASCII);
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(body);
                }
            });
            http.start();
            int httpPort = http.getAddress().getPort();

            // The bastion's TFTP is played by dnsmasq (10.77.9.2) here, so firmware PXE fetches from there.
            BootFileChooser defaults = BootFileChooser.defaults(parse("10.77.9.1"), httpPort);
            BootFileChooser chooser = (mac, arch, ipxe) -> ipxe ? defaults.choose(mac, arch, true)
                    : new BootFile("10.77.9.2", defaults.choose(mac, arch, false).filename());
            DhcpSettings settings = full
                    ? DhcpSettings.full(hostIf, parse("10.77.9.1")).pool(parse("10.77.9.100"), parse("10.77.9.150"),
                            parse("255.255.255.0")).bootFileChooser(chooser).build()
                    : DhcpSettings.proxy(hostIf, parse("10.77.9.1")).bootFileChooser(chooser).build();
            server = DhcpServer.start(settings, (mac, arch, ipxe, vc, r) ->
                    seen.add(mac + " arch=" + arch + " ipxe=" + ipxe + " " + DhcpOption.messageTypeName(r.messageType())
                            + (r.ciaddr().equals(Ipv4.ANY) ? "" : " ciaddr")), pxeVendorOptions);

            List<String> dnsmasqCmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "dnsmasq", "--no-daemon",
                    "--port=0", "--interface=br0", "--bind-interfaces", "--dhcp-leasefile=" + tmp.resolve("dnsmasq.leases"),
                    "--pid-file=" + tmp.resolve("dnsmasq.pid"), "--no-resolv", "--no-hosts", "--log-dhcp",
                    "--enable-tftp", "--tftp-root=/usr/lib/ipxe"));
            if (!full) {
                dnsmasqCmd.add("--dhcp-range=10.77.9.50,10.77.9.99,255.255.255.0,10m");
            }
            dnsmasq = new ProcessBuilder(dnsmasqCmd)
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("dnsmasq.log").toFile()).start();

            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "qemu-system-x86_64", "-accel", "tcg",
                    "-m", "256", "-nographic", "-boot", "n", "-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no"));
            if (uefi) {
                Path vars = tmp.resolve("OVMF_VARS.fd");
                Files.copy(Path.of("/usr/share/OVMF/OVMF_VARS.fd"), vars);
                cmd.addAll(List.of("-drive", "if=pflash,format=raw,readonly=on,file=" + OVMF_CODE,
                        "-drive", "if=pflash,format=raw,file=" + vars,
                        "-device", "virtio-net-pci,netdev=n0,romfile=,mac=" + MAC));
            } else {
                cmd.addAll(List.of("-device", "virtio-net-pci,netdev=n0,mac=" + MAC));
            }
            qemu = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String serial = readUntil(qemu.getInputStream(), MARKER, uefi ? 240_000 : 120_000);
            String log = Files.readString(tmp.resolve("dnsmasq.log"));

            assertTrue(serial.contains(MARKER + (full ? " 10.77.9.1" : " 10.77.9.")), "iPXE did not run our boot script.\nserial:\n"
                    + serial + "\ndnsmasq:\n" + log + "\nserver saw: " + seen);
            assertTrue(httpHits.stream().anyMatch(h -> h.startsWith("10.77.9.") && h.endsWith("/boot.ipxe")), httpHits.toString());
            assertTrue(seen.contains(MAC + " arch=" + (uefi ? 7 : 0) + " ipxe=true DISCOVER"), seen.toString());
            if (uefi) {
                assertTrue(seen.contains(MAC + " arch=7 ipxe=false DISCOVER"), "firmware PXE asked first: " + seen);
                if (!pxeVendorOptions) {
                    // a REQUEST with ciaddr set only ever goes to port 4011 in proxy setups
                    assertTrue(seen.contains(MAC + " arch=7 ipxe=false REQUEST ciaddr"), "no proxy REQUEST on 4011: " + seen);
                    assertTrue(server.stats().replied() >= 2, "offer and 4011 ACK sent: " + server.stats());
                }
                assertTrue(log.contains("sent /usr/lib/ipxe/ipxe.efi"), "firmware fetched ipxe.efi over TFTP:\n" + log);
            }
            if (full) {
                assertEquals(LeaseTable.State.BOUND, server.leases().leaseFor(MAC).orElseThrow().state());
                assertFalse(log.contains("DHCPACK"), "dnsmasq must not have answered:\n" + log);
            } else {
                assertTrue(log.contains("DHCPACK(br0)"), "dnsmasq gave the address:\n" + log);
            }
            System.out.println("server saw: " + seen + "\nhttp: " + httpHits);
        } finally {
            stop(qemu);
            stop(tshark);
            stop(dnsmasq);
            if (server != null) {
                server.close();
            }
            if (http != null) {
                http.stop(0);
            }
        }
    }

    private static void stop(Process p) throws InterruptedException {
        if (p != null) {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    /** Collects serial output until {@code marker} has been seen (plus the rest of that line) or time runs out. */
    private static String readUntil(InputStream in, String marker, long timeoutMs) throws IOException, InterruptedException {
        StringBuilder sb = new StringBuilder();
        long deadline = System.currentTimeMillis() + timeoutMs;
        byte[] buf = new byte[4096];
        while (System.currentTimeMillis() < deadline) {
            if (in.available() > 0) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                sb.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                int i = sb.indexOf(marker);
                if (i >= 0 && sb.indexOf("\n", i) > 0 || GAVE_UP.stream().anyMatch(g -> sb.indexOf(g) >= 0)) {
                    break;
                }
            } else {
                Thread.sleep(100);
            }
        }
        return sb.toString().replaceAll("\u001b\\[[0-9;?]*[a-zA-Z]", "");
    }
}
