package io.labctl.module.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.module.ArtifactResource;
import io.labctl.module.ConfigurationModule;
import io.labctl.module.DesiredState;
import io.labctl.module.Facts;
import io.labctl.module.FileResource;
import io.labctl.module.Health;
import io.labctl.module.ModuleContext;
import io.labctl.module.PackageResource;
import io.labctl.module.engine.EngineRun;
import io.labctl.protocol.modules.ResourceResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tester on a scratch root: what a module sees (server, facts, typed and secret inputs, artifacts) and runs. */
class ModuleTesterTest {
    static final byte[] BINARY = "#!/bin/sh\necho k3s\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path root;

    /** A module using each thing the tester provides. */
    static class Sample implements ConfigurationModule {
        @Override
        public DesiredState desiredState(ModuleContext context) {
            String flags = String.join(" ", context.inputs().list("flags"));
            return new DesiredState()
                    .add(new FileResource("/etc/sample.conf").template("server={{server}} os={{os}} port={{port}}\n"))
                    .add(new FileResource("/etc/sample.flags").content(flags + " " + context.inputs().bool("enabled") + "\n"))
                    .add(new FileResource("/etc/sample.token").content(context.inputs().secret("token")).mode(0600))
                    .add(new ArtifactResource("/usr/local/bin/k3s", "k3s", "1.30.0", sha256(BINARY)).mode(0755));
        }

        @Override
        public DesiredState removal(ModuleContext context) {
            return new DesiredState().add(new FileResource("/etc/sample.conf").absent());
        }

        @Override
        public Health health(ModuleContext context) {
            return Files.exists(context.root().resolve("etc/sample.conf")) ? Health.healthy() : Health.unhealthy("no conf");
        }
    }

    ModuleTester tester() {
        return ModuleTester.of(new Sample()).server("web-1")
                .facts(new Facts("web-1", "debian", "12", "amd64", "6.1.0", 4, 8L << 30))
                .input("port", 6443L).input("flags", List.of("--a", "--b")).input("enabled", true)
                .secretInput("token", "s3cret-value").artifact("k3s", "1.30.0", BINARY).root(root);
    }

    @Test
    void theModuleSeesItsServerFactsInputsSecretsAndArtifacts() throws Exception {
        EngineRun first = tester().apply();
        assertEquals(0, first.failed(), first.toString());
        assertEquals(4, first.changed(), first.toString());
        assertEquals("server=web-1 os=debian port=6443\n", Files.readString(root.resolve("etc/sample.conf")));
        assertEquals("--a --b true\n", Files.readString(root.resolve("etc/sample.flags")));
        assertEquals("s3cret-value", Files.readString(root.resolve("etc/sample.token")));
        assertTrue(first.results().stream().noneMatch(r -> String.valueOf(r.diff()).contains("s3cret-value")), first.toString());
        assertTrue(Files.isExecutable(root.resolve("usr/local/bin/k3s")));
        assertEquals(0, tester().apply().changed());
        assertTrue(tester().health().isHealthy());

        assertEquals(0, tester().remove().failed());
        assertFalse(Files.exists(root.resolve("etc/sample.conf")));
        assertEquals("no conf", tester().health().detail());
    }

    @Test
    void aMissingArtifactFailsItsResourceSayingHowToGiveIt() throws Exception {
        EngineRun run = ModuleTester.of(new Sample()).input("port", 1L).input("flags", List.of()).input("enabled", false)
                .secretInput("token", "t").root(root).apply();
        ResourceResult artifact = run.results().stream().filter(r -> r.id().startsWith("artifact:")).findFirst().orElseThrow();
        assertEquals(ResourceResult.FAILED, artifact.status(), run.toString());
        assertTrue(artifact.reason().contains(".artifact(\"k3s\", \"1.30.0\""), artifact.reason());
    }

    @Test
    void anInputTheTestDidNotGiveOrOfTheWrongTypeIsNamed() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ModuleTester.of(new Sample()).root(root).plan());
        assertTrue(missing.getMessage().contains("flags"), missing.getMessage());
        // as on an agent (labd delivers booleans typed): the text "true" is not a boolean input
        IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
                () -> tester().input("enabled", "true").plan());
        assertEquals("input 'enabled' is not a boolean but a string: check its type in module.yaml", wrongType.getMessage());
    }

    @Test
    void anIntegerGivenAsIntIsTheLongLabdDelivers() throws Exception {
        ModuleTester tester = ModuleTester.of(context -> new DesiredState()
                .add(new FileResource("/etc/port").content(context.inputs().integer("port") + "\n"))).input("port", 6443).root(root);
        assertEquals(0, tester.apply().failed());
        assertEquals("6443\n", Files.readString(root.resolve("etc/port")));
    }

    @Test
    void whatNeedsARealMachineFailsOnAScratchRootWithThatReason() throws Exception {
        EngineRun run = ModuleTester.of(context -> new DesiredState().add(new PackageResource("hello"))).root(root).apply();
        assertEquals(ResourceResult.FAILED, run.results().get(0).status());
        assertTrue(run.results().get(0).reason().contains("needs a real machine"), run.toString());
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
