package io.labctl.agent.modules.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.module.ConfigurationModule;
import io.labctl.module.DesiredState;
import io.labctl.module.Facts;
import io.labctl.module.FileResource;
import io.labctl.module.Health;
import io.labctl.module.LineResource;
import io.labctl.module.ModuleContext;
import io.labctl.module.ModuleException;
import io.labctl.module.engine.Host;
import io.labctl.protocol.Json;
import io.labctl.protocol.modules.ModuleReport;
import io.labctl.protocol.modules.ResourceResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner with the real engine on a scratch root, labd's repository and the framework as doubles. */
class ModuleRunnerTest {
    static final String SECRET = "s3cr3t-join-token";
    static final Facts FACTS = new Facts("web-01", "debian", "12", "amd64", "6.1.0", 4, 8L << 30);

    @TempDir
    Path tmp;

    final ModuleCacheTest.FakeRepository repository = new ModuleCacheTest.FakeRepository();

    /** Writes the motd from its inputs; removal takes it away. */
    static final class MotdModule implements ConfigurationModule {
        @Override
        public DesiredState desiredState(ModuleContext context) {
            return new DesiredState().add(new FileResource("/etc/motd")
                    .content("welcome to " + context.facts().hostname() + ", port " + context.inputs().integer("port") + "\n"));
        }

        @Override
        public DesiredState removal(ModuleContext context) {
            return new DesiredState().add(new FileResource("/etc/motd").absent());
        }
    }

    /** A careless module: the secret goes into a file not marked sensitive, a line, and its health detail. */
    static final class CarelessModule implements ConfigurationModule {
        @Override
        public DesiredState desiredState(ModuleContext context) {
            String token = context.inputs().secret("token").reveal();
            return new DesiredState()
                    .add(new FileResource("/etc/agent.conf").content("server: labd\ntoken: " + token + "\n"))
                    .add(new LineResource("/etc/environment", "K3S_TOKEN=" + token));
        }

        @Override
        public Health health(ModuleContext context) {
            return Health.unhealthy("node refused token " + context.inputs().secret("token").reveal());
        }
    }

    ModuleRunner runner(FakeBundles bundles) {
        return new ModuleRunner(new ModuleCache(tmp.resolve("cache"), repository, 1024), bundles,
                () -> new ModuleRunner.ModuleContextParts("web-01", FACTS),
                Host.scratch(tmp.resolve("root"), (name, version) -> {
                    throw new java.io.IOException("no artifacts here");
                }), Duration.ofSeconds(1), Clock.systemUTC());
    }

    static ModuleRequest request(String action, Map<String, Object> inputs, List<String> secrets) throws Exception {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("action", action);
        p.put("module", "motd");
        p.put("version", "1.0.0");
        p.put("sha256", ModuleCacheTest.SHA);
        p.put("runId", "run-1");
        p.put("inputs", inputs);
        p.put("secrets", secrets);
        return ModuleRequest.fromParams(p);
    }

    @Test
    void appliesChecksHealthRetiresOtherVersionsAndChangesNothingTheSecondTime() throws Exception {
        FakeBundles bundles = new FakeBundles(new MotdModule());
        ModuleRunner runner = runner(bundles);
        ModuleReport first = runner.run(request("apply", Map.of("port", 80), List.of()));
        assertEquals("welcome to web-01, port 80\n", Files.readString(tmp.resolve("root/etc/motd")));
        assertEquals(List.of("install motd 1.0.0 from " + ModuleCacheTest.SHA + ".jar", "retire others than motd 1.0.0"),
                bundles.calls);
        assertEquals(1, first.changed());
        assertEquals("healthy", first.health());
        assertEquals("web-01", first.server());
        assertEquals("run-1", first.runId());
        assertEquals(0, ModuleRunner.exitCode(first));
        assertEquals(0, bundles.leasesOpen, "the module's service is handed back");

        ModuleReport second = runner.run(request("apply", Map.of("port", 80), List.of()));
        assertEquals(0, second.changed());
        assertEquals(1, second.unchanged());
        assertEquals(1, repository.paths.size(), "the jar came from the cache the second time");
    }

    @Test
    void aPlanChangesNothingAndChecksNoHealth() throws Exception {
        FakeBundles bundles = new FakeBundles(new MotdModule());
        ModuleReport plan = runner(bundles).run(request("plan", Map.of("port", 80), List.of()));
        assertEquals(ResourceResult.CHANGED, plan.resources().get(0).status(), "it would change");
        assertFalse(Files.exists(tmp.resolve("root/etc/motd")));
        assertNull(plan.health());
        assertFalse(bundles.calls.stream().anyMatch(c -> c.startsWith("retire")), "a plan leaves other versions be");
    }

    @Test
    void removeRunsTheRemovalThenUninstallsTheModuleAndDropsItsCachedJar() throws Exception {
        FakeBundles bundles = new FakeBundles(new MotdModule());
        ModuleRunner runner = runner(bundles);
        runner.run(request("apply", Map.of("port", 80), List.of()));
        ModuleReport removal = runner.run(request("remove", Map.of("port", 80), List.of()));
        assertEquals(1, removal.changed());
        assertFalse(Files.exists(tmp.resolve("root/etc/motd")));
        assertEquals("uninstall motd", bundles.calls.get(bundles.calls.size() - 1));
        assertFalse(Files.exists(tmp.resolve("cache/" + ModuleCacheTest.SHA + ".jar")));
    }

    @Test
    void everySecretValueIsMaskedInTheReportWhateverTheModuleDid() throws Exception {
        FakeBundles bundles = new FakeBundles(new CarelessModule());
        ModuleReport report = runner(bundles).run(request("apply", Map.of("token", SECRET), List.of("token")));
        assertTrue(Files.readString(tmp.resolve("root/etc/agent.conf")).contains(SECRET), "the machine gets it");
        String json = Json.json().writeValueAsString(report);
        assertFalse(json.contains(SECRET), json);
        assertTrue(json.contains("K3S_TOKEN=******"), json);
        assertEquals("unhealthy: node refused token ******", report.health());
        assertEquals(1, ModuleRunner.exitCode(report), "unhealthy is exit code 1");
    }

    @Test
    void aModuleThatFailsToSayItsStateIsOneFailedEntryWithItsReasonMasked() throws Exception {
        FakeBundles bundles = new FakeBundles(new ConfigurationModule() {
            @Override
            public DesiredState desiredState(ModuleContext context) throws ModuleException {
                throw new ModuleException("cannot reach " + context.inputs().secret("token").reveal());
            }
        });
        ModuleReport report = runner(bundles).run(request("apply", Map.of("token", SECRET), List.of("token")));
        assertEquals(List.of(new ResourceResult("module:motd", ResourceResult.FAILED, null, "cannot reach ******")),
                report.resources());
        assertEquals(1, report.failed());
        assertEquals(1, ModuleRunner.exitCode(report));
        assertFalse(bundles.calls.stream().anyMatch(c -> c.startsWith("retire")), "a failed run keeps the old version");
    }

    @Test
    void anUnresolvableModuleStopsTheRunWithNothingApplied() throws Exception {
        FakeBundles bundles = new FakeBundles(new MotdModule());
        bundles.refuseInstall = new ModuleRunException(ModuleRunException.UNRESOLVABLE,
                "it requires io.labctl.module [2.0,3), and this agent has io.labctl.module 1.0.0");
        var e = assertThrows(ModuleRunException.class, () -> runner(bundles).run(request("apply", Map.of("port", 80),
                List.of())));
        assertEquals(ModuleRunException.UNRESOLVABLE, e.code());
        assertFalse(Files.exists(tmp.resolve("root/etc/motd")));
    }
}
