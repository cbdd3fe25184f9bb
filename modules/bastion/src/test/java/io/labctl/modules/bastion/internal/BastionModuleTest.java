package io.labctl.modules.bastion.internal;

import static io.labctl.modules.support.ModuleFixture.assertNoSecret;
import static io.labctl.modules.support.ModuleFixture.assertStatus;
import static io.labctl.protocol.modules.ResourceResult.CHANGED;
import static io.labctl.protocol.modules.ResourceResult.FAILED;
import static io.labctl.protocol.modules.ResourceResult.SKIPPED;
import static io.labctl.protocol.modules.ResourceResult.UNCHANGED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.module.ModuleException;
import io.labctl.module.engine.EngineRun;
import io.labctl.modules.support.ModuleFixture;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BastionModuleTest {
    static final String DATA = "/var/lib/labctl/bastion";
    static final String AGENT_CFG = DATA + "/agent/etc/io.labctl.agent.cfg";
    static final String BASTION_CFG = DATA + "/agent/etc/io.labctl.bastion.cfg";
    static final String TOKEN_FILE = DATA + "/join-token";
    static final String TOKEN = "lab1.abc.TOPSECRET.pin";
    static final byte[] DISTRIBUTION = "a lab-agent tar.gz".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path root;

    ModuleFixture fixture() throws Exception {
        return ModuleFixture.of(new BastionModule(), root).server("pxe-1")
                .set("labdUrl", "https://labd.example.org:8443")
                .set("token", TOKEN)
                .set("interface", "eno2")
                .set("address", "10.78.0.1")
                .set("agentVersion", "0.1.0")
                .set("agentSha256", sha256(DISTRIBUTION))
                .artifact(BastionModule.DISTRIBUTION, "0.1.0", DISTRIBUTION);
    }

    @Test
    void laysOutTheStandaloneBastionAsTheCliDoesAndASecondApplyChangesNothing() throws Exception {
        ModuleFixture fixture = fixture().set("dhcpMode", "full").set("poolStart", "10.78.0.100")
                .set("poolEnd", "10.78.0.150");
        EngineRun first = fixture.tester().apply();
        for (String file : new String[] {AGENT_CFG, BASTION_CFG, TOKEN_FILE}) {
            assertStatus(first, "file:" + file, CHANGED);
        }
        assertStatus(first, "artifact:" + DATA + "/lab-agent.tar.gz", CHANGED);
        // packages, unpacking, the boot feature and the unit need a real machine (the machine test covers them)
        assertStatus(first, "package:ipxe", FAILED);
        assertStatus(first, "package:debian-installer-12-netboot-amd64", SKIPPED);
        assertStatus(first, "command:unpack-bastion-agent", SKIPPED);
        assertStatus(first, "command:boot-bastion-feature", SKIPPED);
        assertStatus(first, "service:" + BastionModule.UNIT, SKIPPED);

        Properties agent = properties(fixture.file(AGENT_CFG));
        assertEquals("https://labd.example.org:8443", agent.getProperty("serverUrl"));
        assertEquals("bastion-pxe-1", agent.getProperty("name"));
        assertEquals(TOKEN_FILE, agent.getProperty("tokenFile"));
        Properties bastion = properties(fixture.file(BASTION_CFG));
        assertEquals("eno2", bastion.getProperty("interfaceName"));
        assertEquals("10.78.0.1", bastion.getProperty("serverAddress"));
        assertEquals("full", bastion.getProperty("dhcpMode"));
        assertEquals("10.78.0.100", bastion.getProperty("poolStart"));
        assertEquals("10.78.0.150", bastion.getProperty("poolEnd"));
        assertEquals("8080", bastion.getProperty("httpPort"));
        assertEquals("lab", bastion.getProperty("environment"));
        assertEquals(DATA + "/lab-agent.tar.gz", bastion.getProperty("agentDistribution"));
        assertEquals(TOKEN, Files.readString(fixture.file(TOKEN_FILE)).strip());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fixture.file(TOKEN_FILE))));
        assertArrayEquals(DISTRIBUTION, Files.readAllBytes(fixture.file(DATA + "/lab-agent.tar.gz")));

        EngineRun second = fixture.tester().apply();
        for (String file : new String[] {AGENT_CFG, BASTION_CFG, TOKEN_FILE}) {
            assertStatus(second, "file:" + file, UNCHANGED);
        }
        assertStatus(second, "artifact:" + DATA + "/lab-agent.tar.gz", UNCHANGED);
        assertEquals(0, second.changed(), ModuleFixture.describe(second));
    }

    @Test
    void theJoinTokenIsNeverInADiff() throws Exception {
        assertNoSecret(fixture().tester().plan(), TOKEN);
        assertNoSecret(fixture().tester().apply(), TOKEN);
        EngineRun changed = fixture().set("token", "lab1.def.OTHERSECRET.pin").tester().plan();
        assertStatus(changed, "file:" + TOKEN_FILE, CHANGED);
        assertNoSecret(changed, TOKEN);
        assertNoSecret(changed, "OTHERSECRET");
    }

    @Test
    void aDistributionWhoseDigestDiffersIsNotInstalled() throws Exception {
        EngineRun run = fixture().set("agentSha256", sha256("something else".getBytes(StandardCharsets.UTF_8)))
                .tester().apply();
        assertStatus(run, "artifact:" + DATA + "/lab-agent.tar.gz", FAILED);
        assertFalse(Files.exists(fixture().file(DATA + "/lab-agent.tar.gz")));
    }

    @Test
    void badInputsAreRefusedNamingThem() throws Exception {
        assertTrue(assertThrows(ModuleException.class, () -> fixture().set("address", "10.78.0.300").tester().apply())
                .getMessage().contains("'address'"));
        assertTrue(assertThrows(ModuleException.class, () -> fixture().set("dhcpMode", "full").tester().apply())
                .getMessage().contains("poolStart"));
        assertTrue(assertThrows(ModuleException.class, () -> fixture().set("dhcpMode", "relay").tester().apply())
                .getMessage().contains("'dhcpMode'"));
        assertTrue(assertThrows(ModuleException.class, () -> fixture().set("agentSha256", "abc").tester().apply())
                .getMessage().contains("'agentSha256'"));
        assertFalse(Files.exists(root.resolve("var")), "nothing written");
    }

    @Test
    void removalStopsTheBastionBeforeTakingItsConfigurationAway() throws Exception {
        fixture().tester().apply();
        EngineRun removed = fixture().tester().remove();
        // a scratch root cannot stop a service (the machine test removes it for real)
        assertEquals("service:" + BastionModule.UNIT, removed.results().get(0).id());
        assertStatus(removed, "service:" + BastionModule.UNIT, FAILED);
        for (String file : new String[] {AGENT_CFG, BASTION_CFG, TOKEN_FILE}) {
            assertStatus(removed, "file:" + file, SKIPPED);
            assertTrue(Files.exists(fixture().file(file)), file);
        }
    }

    static Properties properties(Path file) throws Exception {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(file)));
        return p;
    }

    static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }

    @Test
    void itsModuleYamlIsValidAndMarksTheSecretInputs() {
        var descriptor = ModuleFixture.descriptorOf(new BastionModule());
        assertEquals("bastion", descriptor.name());
        assertEquals("1.0.0", descriptor.version());
        assertEquals(java.util.Set.of("token"), descriptor.secretInputs());
    }
}
