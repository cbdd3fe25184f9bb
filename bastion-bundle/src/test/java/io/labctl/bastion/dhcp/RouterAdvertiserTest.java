package io.labctl.bastion.dhcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RouterAdvertiserTest {
    @Test
    void theAdvertisementAnnouncesNothingAndNamesItsSender() {
        byte[] mac = {0x52, 0x54, 0, 1, 2, 3};
        byte[] ra = RouterAdvertiser.advertisement(mac);
        assertEquals(24, ra.length);
        assertEquals(134, ra[0] & 0xFF, "type: router advertisement");
        assertEquals(64, ra[4] & 0xFF, "hop limit");
        assertEquals(0, ra[5], "no managed or other-configuration flag: no DHCPv6");
        assertEquals(0, ra[6] | ra[7], "router lifetime 0: not a default router");
        assertEquals(1, ra[16], "source link-layer address option");
        assertArrayEquals(mac, java.util.Arrays.copyOfRange(ra, 18, 24));
    }

    /** A real IPv6 stack (a network namespace's kernel) solicits on link up, and counts the advertisement it gets. */
    @Test
    void aSolicitingHostOnTheInterfaceGetsAnAdvertisement() throws Exception {
        Netns.assumeUsable("ip");
        try (Netns net = new Netns()) {
            String ns = net.namespace("ldra");
            String hostIf = "ldR" + net.id;
            String peer = "ldRc" + net.id;
            net.veth(hostIf, null, peer, ns, null);
            try (RouterAdvertiser ignored = RouterAdvertiser.start(hostIf)) {
                Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
                int received = 0;
                while (received == 0 && Instant.now().isBefore(deadline)) {
                    // link down and up makes the host solicit again (once its link-local address is ready)
                    Netns.must("ip", "-n", ns, "link", "set", peer, "down");
                    Netns.must("ip", "-n", ns, "link", "set", peer, "up");
                    Thread.sleep(3000);
                    received = advertisementsReceived(ns);
                }
                assertTrue(received > 0, "the namespace's kernel received no router advertisement");
            }
        }
    }

    static int advertisementsReceived(String ns) {
        Netns.Result r = Netns.run(10, "ip", "netns", "exec", ns, "cat", "/proc/net/snmp6");
        Matcher m = Pattern.compile("Icmp6InRouterAdvertisements\\s+(\\d+)").matcher(r.out());
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }
}
