package io.labctl.bastion.dhcp;

import static io.labctl.bastion.dhcp.Ipv4.parse;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class DhcpSettingsTest {
    static String fails(Executable e) {
        return assertThrows(RuntimeException.class, e).getMessage();
    }

    static DhcpSettings.Builder good() {
        return DhcpSettings.full("eth1", parse("10.0.0.1")).pool(parse("10.0.0.100"), parse("10.0.0.200"), parse("255.255.255.0"));
    }

    @Test
    void validFullAndProxySettings() {
        DhcpSettings s = good().build();
        assertEquals(67, s.serverPort());
        assertEquals(68, s.clientPort());
        assertEquals(Duration.ofHours(1), s.leaseTime());
        assertNotNull(s.bootFileChooser());
        assertEquals(DhcpSettings.Mode.PROXY, DhcpSettings.proxy("eth1", parse("10.0.0.1")).build().mode());
    }

    @Test
    void interfaceIsRequiredAndNeverAll() {
        assertTrue(fails(() -> DhcpSettings.full(null, parse("10.0.0.1")).build()).contains("interfaceName is required"));
        assertTrue(fails(() -> DhcpSettings.full(" ", parse("10.0.0.1")).build()).contains("interfaceName is required"));
        assertTrue(fails(() -> DhcpSettings.proxy("all", parse("10.0.0.1")).build()).contains("all interfaces"));
        assertTrue(fails(() -> DhcpSettings.proxy("*", parse("10.0.0.1")).build()).contains("all interfaces"));
        assertTrue(fails(() -> DhcpSettings.proxy("a-very-long-interface-name", parse("10.0.0.1")).build()).contains("not a valid"));
    }

    @Test
    void fullModeNeedsASanePool() {
        assertTrue(fails(() -> DhcpSettings.full("eth1", parse("10.0.0.1")).build()).contains("poolStart and poolEnd"));
        assertTrue(fails(() -> good().pool(parse("10.0.0.200"), parse("10.0.0.100"), parse("255.255.255.0")).build()).contains("after poolEnd"));
        assertTrue(fails(() -> good().pool(parse("10.0.1.100"), parse("10.0.1.200"), parse("255.255.255.0")).build()).contains("not in the server's subnet"));
        assertTrue(fails(() -> good().pool(parse("10.0.0.100"), parse("10.0.0.200"), parse("255.0.255.0")).build()).contains("contiguous"));
        assertTrue(fails(() -> good().pool(parse("10.0.0.0"), parse("10.0.0.200"), parse("255.255.255.0")).build()).contains("network or broadcast"));
        assertTrue(fails(() -> good().router(parse("192.168.0.1")).build()).contains("router"));
        assertTrue(fails(() -> good().leaseTime(Duration.ofSeconds(5)).build()).contains("leaseTime"));
        assertTrue(fails(() -> good().serverPort(0).build()).contains("serverPort"));
        assertTrue(fails(() -> good().serverPort(68).build()).contains("must differ"));
        assertTrue(fails(() -> DhcpSettings.full("eth1", null).build()).contains("serverAddress"));
    }

    @Test
    void proxyModeRefusesAPool() {
        assertTrue(fails(() -> DhcpSettings.proxy("eth1", parse("10.0.0.1"))
                .pool(parse("10.0.0.100"), parse("10.0.0.200"), parse("255.255.255.0")).build()).contains("never assigns"));
    }
}
