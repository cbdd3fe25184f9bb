package io.labctl.modules.k3s.server.internal;

import static io.labctl.modules.support.ModuleFixture.assertStatus;
import static io.labctl.protocol.modules.ResourceResult.CHANGED;
import static io.labctl.protocol.modules.ResourceResult.FAILED;
import static io.labctl.protocol.modules.ResourceResult.UNCHANGED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.module.Health;
import io.labctl.module.ModuleException;
import io.labctl.module.ServiceResource;
import io.labctl.module.engine.EngineRun;
import io.labctl.modules.support.K3sNode;
import io.labctl.modules.support.ModuleFixture;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class K3sServerModuleTest extends K3sNodeModuleContract {
    K3sServerModuleTest() {
        super(new K3sServerModule(), "k3s-server", "k3s.service");
    }

    @Override
    protected ModuleFixture fixture() {
        return ModuleFixture.of(module, root).server("k3s-1")
                .set("version", K3sStandin.VERSION)
                .set("sha256", K3sStandin.sha256())
                .set("token", TOKEN)
                .artifact(K3sNode.ARTIFACT, K3sStandin.VERSION, K3sStandin.bytes());
    }

    @Test
    void installsBinaryAndConfigurationAndASecondApplyChangesNothing() throws Exception {
        ModuleFixture fixture = fixture().set("tlsSan", "k3s.example.org,10.0.0.5").set("disable", "traefik")
                .set("clusterInit", "true");
        EngineRun first = fixture.tester().apply();
        assertStatus(first, "file:" + K3sNode.CONFIG, CHANGED);
        assertStatus(first, "artifact:" + K3sNode.BINARY, CHANGED);
        assertStatus(first, "service:k3s.service", FAILED); // systemd: the machine test

        assertEquals("""
                # k3s server. Written by the k3s-server configuration module: edits are reverted.
                token: "K10-join-TOPSECRET"
                node-name: "k3s-1"
                cluster-init: true
                tls-san:
                  - "k3s.example.org"
                  - "10.0.0.5"
                disable:
                  - "traefik"
                """, Files.readString(fixture.file(K3sNode.CONFIG)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fixture.file(K3sNode.CONFIG))));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(fixture.file(K3sNode.BINARY))));

        EngineRun second = fixture.tester().apply();
        assertStatus(second, "file:" + K3sNode.CONFIG, UNCHANGED);
        assertStatus(second, "artifact:" + K3sNode.BINARY, UNCHANGED);
        assertEquals(0, second.changed(), ModuleFixture.describe(second));
    }

    @Test
    void theUnitRunsTheServerAndRestartsWhenBinaryOrConfigurationChange() throws Exception {
        ServiceResource service = (ServiceResource) fixture().tester().desiredState().resources().stream()
                .filter(r -> r instanceof ServiceResource).findFirst().orElseThrow();
        assertEquals(List.of("file:" + K3sNode.CONFIG, "artifact:" + K3sNode.BINARY), service.watched());
        assertTrue(service.unitFile().contains("ExecStart=/usr/local/bin/k3s server\n"), service.unitFile());
        assertTrue(service.unitFile().contains("Type=notify\n") && service.unitFile().contains("KillMode=process\n"));
    }

    @Test
    void aBinaryWhoseDigestDiffersIsNotInstalled() throws Exception {
        EngineRun run = fixture().set("sha256", "0".repeat(64)).tester().apply();
        assertStatus(run, "artifact:" + K3sNode.BINARY, FAILED);
        assertFalse(Files.exists(fixture().file(K3sNode.BINARY)));
    }

    @Test
    void healthyWhenTheStandInReportsTheNodeReady() throws Exception {
        fixture().tester().apply();
        K3sServerModule module = new K3sServerModule();
        Health ready = module.health(K3sStandin.context(root, "k3s-1", Map.of("nodeName", ""), Map.of()));
        assertEquals(Health.healthy(), ready);
        assertTrue(Files.readString(fixture().file("/usr/local/bin/k3s-standin.log")).contains("kubectl get node k3s-1\n"));

        Health notReady = module.health(K3sStandin.context(root, "k3s-1", Map.of("nodeName", "other"),
                Map.of("K3S_STANDIN_STATUS", "NotReady")));
        assertFalse(notReady.isHealthy());
        assertEquals("node other is NotReady", notReady.detail());
    }

    @Test
    void unhealthyWithoutTheBinary() {
        Health missing = new K3sServerModule().health(K3sStandin.context(root, "k3s-1", Map.of("nodeName", ""), Map.of()));
        assertFalse(missing.isHealthy());
        assertTrue(missing.detail().startsWith("cannot run k3s kubectl"), missing.detail());
    }

    @Test
    void badInputsAreRefusedNamingThem() {
        assertTrue(assertThrows(ModuleException.class, () -> fixture().set("sha256", "xyz").tester().apply())
                .getMessage().contains("'sha256'"));
        assertTrue(assertThrows(ModuleException.class, () -> fixture().set("version", "1.31 latest").tester().apply())
                .getMessage().contains("'version'"));
        assertFalse(Files.exists(root.resolve("etc")), "nothing written");
    }
}
