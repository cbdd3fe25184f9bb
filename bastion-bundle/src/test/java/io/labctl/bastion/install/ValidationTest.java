package io.labctl.bastion.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValidationTest {

    private static InstallContext.Builder b() {
        return Fixtures.builder(Role.WORKER, InstallMode.INSTALL);
    }

    @Test
    void roleParsing() {
        assertEquals(Role.WORKER, Role.parse("worker"));
        assertEquals(Role.INFRA, Role.parse(" Infra "));
        var e = assertThrows(InstallConfigException.class, () -> Role.parse("master"));
        assertEquals("unknown role 'master'; expected one of: worker, infra", e.getMessage());
        assertThrows(InstallConfigException.class, () -> Role.parse(null));
        assertThrows(InstallConfigException.class, () -> Role.parse(""));
    }

    @Test
    void normalisation() {
        InstallContext c = b().mac("52-54-00-AB-CD-EF").hostname("Node01.Lab.Example.").bastionUrl("http://10.78.0.1:8080/")
                .build();
        assertEquals("52:54:00:ab:cd:ef", c.mac());
        assertEquals("52-54-00-ab-cd-ef", c.macHyphens());
        assertEquals("node01.lab.example", c.hostname());
        assertEquals("node01", c.shortHostname());
        assertEquals("lab.example", c.domain());
        assertEquals("http://10.78.0.1:8080", c.bastionUrl());
        assertEquals("http://10.78.0.1:8080/provision/52-54-00-ab-cd-ef/installed", c.installedUrl());
        assertEquals("UTC", c.timezone());
        InstallContext single = b().hostname("node01").sshAuthorizedKey(null).build();
        assertEquals("", single.domain());
        assertTrue(single.sshAuthorizedKey().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-node", "node-", "no_de", "node..lab", "node.lab-.x", "nöde", "node 1", "node;reboot",
            "node$(id)", "node\nx", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void badHostnames(String h) {
        var e = assertThrows(InstallConfigException.class, () -> b().hostname(h).build());
        assertTrue(e.getMessage().startsWith("invalid hostname"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "message must not carry raw control characters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"52:54:00:12:34", "52:54:00:12:34:5g", "52:54:00:12:34:56;", "525400123456"})
    void badMacs(String mac) {
        assertThrows(InstallConfigException.class, () -> b().mac(mac).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://10.78.0.1:8080/x'y", "http://10.78.0.1:8080/$(reboot)", "http://a b", "ftp://x",
            "http://10.78.0.1:8080/?q=1", "http://x/`id`", "http://x/a\"b", "http://x:99999", "http://x/a;b",
            "http://x/a\nb", "http://x/a\\b", "http://user@x/"})
    void badBastionUrls(String url) {
        assertThrows(InstallConfigException.class, () -> b().bastionUrl(url).build());
    }

    @Test
    void labdMustBeHttps() {
        var e = assertThrows(InstallConfigException.class, () -> b().labdUrl("http://labd.lab.example").build());
        assertTrue(e.getMessage().contains("must be an https URL"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"lab1.a.b'c.d", "lab1.a.$(reboot).d", "lab1.a.b c.d", "lab1.a.b\nc.d", "lab1.a.b`c`.d",
            "lab1.a.b\"c.d", "lab1.a.b\\c.d", "lab1.a.b;c.d", "short"})
    void badTokensAreRejectedWithoutEcho(String token) {
        var e = assertThrows(InstallConfigException.class, () -> b().joinToken(token).build());
        assertTrue(e.getMessage().contains("value not shown"), e.getMessage());
        assertFalse(e.getMessage().contains(token), "token echoed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ssh-ed25519 AAAA x'y", "ssh-ed25519 AAAA$(id)", "command=\"x\" ssh-ed25519 AAAA",
            "ssh-ed25519 AAAA\nssh-rsa BBBB", "ssh-dss AAAA", "ssh-ed25519  AAAA", "ssh-ed25519 AAAA a b"})
    void badSshKeys(String key) {
        assertThrows(InstallConfigException.class, () -> b().sshAuthorizedKey(key).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Europe/Berlin'", "UTC;id", "../etc/passwd", "Europe/Ber lin", "$TZ"})
    void badTimezones(String tz) {
        assertThrows(InstallConfigException.class, () -> b().timezone(tz).build());
    }

    @Test
    void goodValues() {
        InstallContext c = b().timezone("America/Argentina/Buenos_Aires")
                .sshAuthorizedKey("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ== ops@bastion-1")
                .labdUrl("https://labd.lab.example/api").build();
        assertEquals("https://labd.lab.example/api", c.labdUrl());
    }

    @Test
    void toStringRedactsToken() {
        String s = Fixtures.ctx(Role.WORKER, InstallMode.INSTALL).toString();
        assertFalse(s.contains(Fixtures.TOKEN), s);
        assertTrue(s.contains("joinToken=<redacted>"), s);
    }

    @Test
    void badSha() {
        InstallContext c = Fixtures.ctx(Role.WORKER, InstallMode.INSTALL);
        assertThrows(InstallConfigException.class, () -> AgentInstallerRenderer.render(c, "abc"));
        assertThrows(InstallConfigException.class, () -> AgentInstallerRenderer.render(c, "z".repeat(64)));
    }

    @Test
    void templateRules() {
        assertEquals("a=1 ${ROOT:-/} ${x} $y ${#A}",
                Template.of("t", "a=${a} ${ROOT:-/} $${x} $y ${#A}").render(Map.of("a", "1")));
        assertThrows(IllegalStateException.class, () -> Template.of("t", "${a}").render(Map.of()));
        assertThrows(IllegalStateException.class, () -> Template.of("t", "x").render(Map.of("a", "1")));
    }
}
