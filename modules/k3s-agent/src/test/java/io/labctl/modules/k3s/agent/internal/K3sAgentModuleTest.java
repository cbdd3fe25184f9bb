package io.labctl.modules.k3s.agent.internal;

import static io.labctl.modules.support.ModuleFixture.assertStatus;
import static io.labctl.protocol.modules.ResourceResult.CHANGED;
import static io.labctl.protocol.modules.ResourceResult.UNCHANGED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.module.Health;
import io.labctl.module.ModuleException;
import io.labctl.module.ServiceResource;
import io.labctl.module.engine.EngineRun;
import io.labctl.modules.k3s.server.internal.K3sNodeModuleContract;
import io.labctl.modules.k3s.server.internal.K3sStandin;
import io.labctl.modules.support.K3sNode;
import io.labctl.modules.support.ModuleFixture;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;

class K3sAgentModuleTest extends K3sNodeModuleContract {
    K3sAgentModuleTest() {
        super(new K3sAgentModule(), "k3s-agent", "k3s-agent.service");
    }

    @Override
    protected ModuleFixture fixture() {
        return ModuleFixture.of(module, root).server("worker-1")
                .set("version", K3sStandin.VERSION)
                .set("sha256", K3sStandin.sha256())
                .set("server", "https://k3s-1.example.org:6443")
                .set("token", TOKEN)
                .artifact(K3sNode.ARTIFACT, K3sStandin.VERSION, K3sStandin.bytes());
    }

    @Test
    void joinsTheServerWithItsTokenOwnerOnlyAndASecondApplyChangesNothing() throws Exception {
        ModuleFixture fixture = fixture().set("nodeLabels", "zone=a,disk=ssd");
        EngineRun first = fixture.tester().apply();
        assertStatus(first, "file:" + K3sNode.CONFIG, CHANGED);
        assertStatus(first, "artifact:" + K3sNode.BINARY, CHANGED);
        assertEquals("""
                # k3s agent. Written by the k3s-agent configuration module: edits are reverted.
                server: "https://k3s-1.example.org:6443"
                token: "K10-join-TOPSECRET"
                node-name: "worker-1"
                node-label:
                  - "zone=a"
                  - "disk=ssd"
                """, Files.readString(fixture.file(K3sNode.CONFIG)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fixture.file(K3sNode.CONFIG))));

        EngineRun second = fixture.tester().apply();
        assertStatus(second, "file:" + K3sNode.CONFIG, UNCHANGED);
        assertStatus(second, "artifact:" + K3sNode.BINARY, UNCHANGED);
        assertEquals(0, second.changed(), ModuleFixture.describe(second));
    }

    @Test
    void theUnitRunsTheAgent() throws Exception {
        ServiceResource service = (ServiceResource) fixture().tester().desiredState().resources().stream()
                .filter(r -> r instanceof ServiceResource).findFirst().orElseThrow();
        assertEquals("k3s-agent.service", service.unit());
        assertTrue(service.unitFile().contains("ExecStart=/usr/local/bin/k3s agent\n"), service.unitFile());
    }

    @Test
    void healthAsksWithTheKubeletsCredentials() throws Exception {
        fixture().tester().apply();
        Health ready = new K3sAgentModule().health(K3sStandin.context(root, "worker-1", Map.of("nodeName", ""), Map.of()));
        assertEquals(Health.healthy(), ready);
        assertTrue(Files.readString(fixture().file("/usr/local/bin/k3s-standin.log")).contains(
                "kubectl --kubeconfig /var/lib/rancher/k3s/agent/kubelet.kubeconfig get node worker-1\n"));
        Health notReady = new K3sAgentModule().health(K3sStandin.context(root, "worker-1", Map.of("nodeName", ""),
                Map.of("K3S_STANDIN_STATUS", "NotReady,SchedulingDisabled")));
        assertEquals("node worker-1 is NotReady,SchedulingDisabled", notReady.detail());
    }

    @Test
    void badInputsAreRefusedNamingThem() {
        assertTrue(assertThrows(ModuleException.class, () -> fixture().set("server", "k3s-1:6443").tester().apply())
                .getMessage().contains("'server'"));
        assertFalse(Files.exists(root.resolve("etc")), "nothing written");
    }
}
