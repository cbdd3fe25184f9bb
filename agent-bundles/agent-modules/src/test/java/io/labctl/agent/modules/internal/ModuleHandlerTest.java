package io.labctl.agent.modules.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.agent.testsupport.RecordingStreamChannel;
import io.labctl.module.engine.Host;
import io.labctl.protocol.Json;
import io.labctl.protocol.channel.StreamOpen;
import io.labctl.protocol.modules.ModuleReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The "module" stream end to end on the agent's side: OPEN parameters in, one report or one stream error out. */
class ModuleHandlerTest {
    @TempDir
    Path tmp;

    final ExecutorService runs = Executors.newCachedThreadPool();
    final ModuleCacheTest.FakeRepository repository = new ModuleCacheTest.FakeRepository();
    final FakeBundles bundles = new FakeBundles(new ModuleRunnerTest.MotdModule());

    @AfterEach
    void stop() {
        runs.shutdownNow();
    }

    ModuleHandler handler() {
        ModuleRunner runner = new ModuleRunner(new ModuleCache(tmp.resolve("cache"), repository, 1024), bundles,
                () -> new ModuleRunner.ModuleContextParts("web-01", ModuleRunnerTest.FACTS),
                Host.scratch(tmp.resolve("root"), (name, version) -> {
                    throw new java.io.IOException("no artifacts here");
                }), Duration.ofSeconds(1), Clock.systemUTC());
        return new ModuleHandler(runner, new RunSlot(Duration.ofSeconds(5)), runs);
    }

    static Map<String, Object> params(String action) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("action", action);
        p.put("module", "motd");
        p.put("version", "1.0.0");
        p.put("sha256", ModuleCacheTest.SHA);
        p.put("runId", "run-7");
        p.put("inputs", Map.of("port", 8080));
        p.put("secrets", List.of());
        return p;
    }

    RecordingStreamChannel open(Map<String, Object> params) throws Exception {
        RecordingStreamChannel channel = new RecordingStreamChannel(ModuleHandler.KIND);
        handler().open(new StreamOpen(ModuleHandler.KIND, params, 1 << 20), channel);
        assertTrue(channel.awaitEnd(30_000), "the stream ends");
        return channel;
    }

    @Test
    void writesOneJsonReportAndClosesWithExitCodeZero() throws Exception {
        RecordingStreamChannel channel = open(params("apply"));
        assertTrue(channel.closed(), "closed, not failed: " + channel.errorCode() + " " + channel.errorMessage());
        assertEquals(0, channel.exitCode());
        ModuleReport report = Json.json().readValue(channel.output(), ModuleReport.class);
        assertEquals("motd", report.module());
        assertEquals("apply", report.action());
        assertEquals("run-7", report.runId());
        assertEquals(1, report.changed());
        assertEquals("welcome to web-01, port 8080\n", Files.readString(tmp.resolve("root/etc/motd")));
    }

    @Test
    void aDigestMismatchIsAStreamErrorAndNothingIsInstalled() throws Exception {
        repository.body = "a jar someone swapped".getBytes(StandardCharsets.UTF_8);
        RecordingStreamChannel channel = open(params("apply"));
        assertEquals(ModuleRunException.DIGEST_MISMATCH, channel.errorCode());
        assertTrue(channel.errorMessage().contains("nothing was installed"), channel.errorMessage());
        assertEquals(List.of(), bundles.calls, "the framework never saw the bytes");
        assertFalse(Files.exists(tmp.resolve("root/etc/motd")));
    }

    @Test
    void malformedParametersAreRefusedBeforeAnythingIsFetched() throws Exception {
        Map<String, Object> p = params("apply");
        p.put("sha256", "not-a-digest");
        RecordingStreamChannel channel = open(p);
        assertEquals(ModuleRunException.INVALID_REQUEST, channel.errorCode());
        assertTrue(channel.errorMessage().contains("sha256 must be 64 hex digits"), channel.errorMessage());
        assertEquals(List.of(), repository.paths);
    }

    @Test
    void aModuleThatNeverRegistersIsModuleMissing() throws Exception {
        bundles.module = null;
        RecordingStreamChannel channel = open(params("plan"));
        assertEquals(ModuleRunException.MISSING, channel.errorCode());
    }
}
