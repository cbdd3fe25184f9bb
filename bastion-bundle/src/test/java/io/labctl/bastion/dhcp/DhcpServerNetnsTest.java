package io.labctl.bastion.dhcp;

import static io.labctl.bastion.dhcp.Ipv4.parse;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server against busybox udhcpc running in network namespaces. Root only; skipped elsewhere.
 * Server side stays in the root namespace (bound by interface name); each client lives in its own namespace.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DhcpServerNetnsTest {
    static final String MAC_A = "52:54:00:77:01:0a";
    static final String MAC_B = "52:54:00:77:02:0b";

    Netns net;
    String ifA;
    String ifB;
    String nsA;
    String nsB;
    DhcpServer server;
    final List<String> seen = new CopyOnWriteArrayList<>();
    @TempDir
    Path tmp;

    @BeforeAll
    void setUp() throws IOException {
        Netns.assumeUsable("ip", "busybox");
        net = new Netns();
        try {
            ifA = "ldA" + net.id;
            ifB = "ldB" + net.id;
            nsA = net.namespace("ldnsA");
            nsB = net.namespace("ldnsB");
            net.veth(ifA, "10.77.1.1/24", "ldAc" + net.id, nsA, MAC_A);
            net.veth(ifB, "10.77.2.1/24", "ldBc" + net.id, nsB, MAC_B);
            DhcpSettings settings = DhcpSettings.full(ifA, parse("10.77.1.1"))
                    .pool(parse("10.77.1.100"), parse("10.77.1.120"), parse("255.255.255.0"))
                    .router(parse("10.77.1.1")).dnsServers(List.of(parse("10.77.1.53")))
                    .leaseTime(Duration.ofMinutes(10)).build();
            server = DhcpServer.start(settings, (mac, arch, ipxe, vc, r) -> seen.add(mac));
        } catch (RuntimeException | IOException e) {
            tearDown();
            throw e;
        }
    }

    @AfterAll
    void tearDown() {
        if (server != null) {
            server.close();
        }
        if (net != null) {
            net.close();
        }
    }

    Netns.Result udhcpc(String ns, String iface) throws IOException {
        return Netns.run(30, "ip", "netns", "exec", ns, "busybox", "udhcpc", "-i", iface, "-n", "-q", "-f",
                "-t", "3", "-T", "1", "-s", Netns.udhcpcScript(tmp).toString());
    }

    @Test
    void busyboxClientGetsLeaseAndOptions() throws IOException {
        Netns.Result r = udhcpc(nsA, "ldAc" + net.id);
        assertEquals(0, r.exit(), r.out());
        String lease = r.out().lines().filter(l -> l.startsWith("LEASE ")).findFirst().orElseThrow(() -> new AssertionError(r.out()));
        assertTrue(lease.contains("ip=10.77.1.1"), lease); // 10.77.1.1xx
        assertTrue(lease.contains("subnet=255.255.255.0"), lease);
        assertTrue(lease.contains("router=10.77.1.1 "), lease);
        assertTrue(lease.contains("dns=10.77.1.53"), lease);
        assertTrue(lease.contains("serverid=10.77.1.1 "), lease);
        assertTrue(lease.contains("lease=600"), lease);
        String ip = lease.replaceAll(".*ip=(\\S+).*", "$1");
        assertEquals(ip, server.leases().leaseFor(MAC_A).orElseThrow().address().getHostAddress());
        assertEquals(LeaseTable.State.BOUND, server.leases().leaseFor(MAC_A).orElseThrow().state());
        assertTrue(seen.contains(MAC_A));

        // a second run of the same client gets the same address
        Netns.Result again = udhcpc(nsA, "ldAc" + net.id);
        assertTrue(again.out().contains("ip=" + ip + " "), again.out());
    }

    @Test
    void clientOnAnotherInterfaceGetsNoAnswer() throws IOException {
        Netns.Result r = udhcpc(nsB, "ldBc" + net.id);
        assertNotEquals(0, r.exit(), "the server is bound to " + ifA + " and must not answer on " + ifB + ": " + r.out());
        assertFalse(r.out().contains("LEASE "), r.out());
        assertFalse(seen.contains(MAC_B), "server must not even see requests from " + ifB);
        // ...while the interface it is bound to still works
        assertEquals(0, udhcpc(nsA, "ldAc" + net.id).exit());
    }

    @Test
    void malformedAndOversizedDatagramsDoNotStopTheServer() throws Exception {
        long droppedBefore = server.stats().dropped();
        // From the root namespace, aimed at the server port through ifA's subnet broadcast: garbage, then a valid client.
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("10.77.1.1"), 0))) {
            s.setBroadcast(true);
            InetAddress bcast = InetAddress.getByName("10.77.1.255");
            s.send(new DatagramPacket(new byte[] {1, 2, 3}, 3, bcast, 67));
            s.send(new DatagramPacket(new byte[1800], 1800, bcast, 67));
        }
        long deadline = System.currentTimeMillis() + 3000;
        while (server.stats().dropped() < droppedBefore + 2 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(droppedBefore + 2, server.stats().dropped(), "both bad datagrams reached the server and were dropped");
        assertEquals(0, udhcpc(nsA, "ldAc" + net.id).exit());
    }

    @Test
    void clearErrorsForUnknownInterfaceAndBusyPort() throws Exception {
        DhcpSettings nope = DhcpSettings.full("nosuch" + net.id, parse("10.77.1.1"))
                .pool(parse("10.77.1.100"), parse("10.77.1.120"), parse("255.255.255.0")).build();
        IOException e = assertThrows(IOException.class, () -> DhcpServer.start(nope, null));
        assertEquals("no network interface 'nosuch" + net.id + "': see 'ip link'", e.getMessage());

        try (DatagramSocket blocker = new DatagramSocket(new InetSocketAddress("0.0.0.0", 0))) {
            DhcpSettings busy = DhcpSettings.full(ifB, parse("10.77.2.1"))
                    .pool(parse("10.77.2.100"), parse("10.77.2.120"), parse("255.255.255.0"))
                    .serverPort(blocker.getLocalPort()).build();
            IOException e2 = assertThrows(IOException.class, () -> DhcpServer.start(busy, null));
            assertTrue(e2.getMessage().contains("already in use"), e2.getMessage());
        }
    }

    @Test
    void closeReturnsPromptly() throws Exception {
        DhcpSettings s = DhcpSettings.proxy(ifB, parse("10.77.2.1")).serverPort(6767).build();
        DhcpServer proxy = DhcpServer.start(s, null);
        long t0 = System.nanoTime();
        proxy.close();
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "close() took too long");
    }
}
