package io.labctl.modules.k3s.server.internal;

import static io.labctl.modules.support.ModuleFixture.assertNoSecret;
import static io.labctl.modules.support.ModuleFixture.assertStatus;
import static io.labctl.protocol.modules.ResourceResult.CHANGED;
import static io.labctl.protocol.modules.ResourceResult.FAILED;
import static io.labctl.protocol.modules.ResourceResult.SKIPPED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.module.ConfigurationModule;
import io.labctl.module.engine.EngineRun;
import io.labctl.modules.support.K3sNode;
import io.labctl.modules.support.ModuleFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the k3s-server and k3s-agent modules both promise (they share {@link K3sNode}): the join token is a secret
 * that no diff shows, removal stops the unit before taking configuration and binary away, and module.yaml marks the
 * token secret. Each module's test class extends this with its own module, unit and inputs.
 */
public abstract class K3sNodeModuleContract {
    public static final String TOKEN = "K10-join-TOPSECRET";

    @TempDir
    protected Path root;
    protected final ConfigurationModule module;
    private final String moduleName;
    private final String unit;

    /** The module under test, its name in module.yaml and the systemd unit it runs k3s as. */
    protected K3sNodeModuleContract(ConfigurationModule module, String moduleName, String unit) {
        this.module = module;
        this.moduleName = moduleName;
        this.unit = unit;
    }

    /** The module on {@link #root} with valid inputs, {@link #TOKEN} as its token, and the k3s stand-in as artifact. */
    protected abstract ModuleFixture fixture();

    @Test
    void theJoinTokenIsNeverInADiff() throws Exception {
        assertNoSecret(fixture().tester().plan(), TOKEN);
        assertNoSecret(fixture().tester().apply(), TOKEN);
        EngineRun changed = fixture().set("token", "K10-OTHER").tester().plan();
        assertStatus(changed, "file:" + K3sNode.CONFIG, CHANGED);
        assertNoSecret(changed, TOKEN);
        assertNoSecret(changed, "K10-OTHER");
    }

    @Test
    void removalStopsK3sBeforeTakingItsConfigurationAndBinaryAway() throws Exception {
        fixture().tester().apply();
        EngineRun removed = fixture().tester().remove();
        // a scratch root cannot stop a service (K3sServerMachineTest removes it for real)
        assertEquals("service:" + unit, removed.results().get(0).id());
        assertStatus(removed, "service:" + unit, FAILED);
        assertStatus(removed, "file:" + K3sNode.CONFIG, SKIPPED);
        assertStatus(removed, "file:" + K3sNode.BINARY, SKIPPED);
        assertTrue(Files.exists(fixture().file(K3sNode.CONFIG)));
    }

    @Test
    void itsModuleYamlIsValidAndMarksTheSecretInputs() {
        var descriptor = ModuleFixture.descriptorOf(module);
        assertEquals(moduleName, descriptor.name());
        assertEquals("1.0.0", descriptor.version());
        assertEquals(Set.of("token"), descriptor.secretInputs());
    }
}
