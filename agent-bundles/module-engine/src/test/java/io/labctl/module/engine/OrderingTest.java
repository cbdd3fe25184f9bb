package io.labctl.module.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.labctl.module.DesiredState;
import io.labctl.module.DirectoryResource;
import io.labctl.module.FileResource;
import io.labctl.module.ServiceResource;
import io.labctl.protocol.modules.ResourceResult;

/** Dependency order, and the failure paths that stop a run. */
class OrderingTest {
    @TempDir
    Path root;

    private static List<String> ids(EngineRun run) {
        return run.results().stream().map(ResourceResult::id).toList();
    }

    @Test
    void requirementsComeFirstOtherwiseInsertionOrder() {
        Scratch s = new Scratch(root);
        DesiredState state = Scratch.state(
                new FileResource("/srv/a/one").content("1").requires("directory:/srv/a"),
                new FileResource("/tmp/two").content("2"),
                new DirectoryResource("/srv/a").requires("directory:/srv"),
                new DirectoryResource("/srv"));
        assertEquals(List.of("directory:/srv", "directory:/srv/a", "file:/srv/a/one", "file:/tmp/two"),
                ids(s.engine.apply(state)));
    }

    @Test
    void aCycleFailsEveryResourceAndAppliesNothing() {
        Scratch s = new Scratch(root);
        DesiredState state = Scratch.state(
                new FileResource("/a").content("a").requires("file:/b"),
                new FileResource("/b").content("b").requires("file:/c"),
                new FileResource("/c").content("c").requires("file:/a"),
                new FileResource("/free").content("d"));
        EngineRun run = s.engine.apply(state);
        assertEquals(4, run.failed());
        assertTrue(run.results().get(3).reason().contains("dependency cycle: file:/a -> file:/b -> file:/c -> file:/a"),
                run.results().get(3).reason());
        assertFalse(Files.exists(s.path("/free")), "nothing is applied, not even what is outside the cycle");
    }

    @Test
    void anUnknownRequirementFailsEveryResourceNamingIt() {
        Scratch s = new Scratch(root);
        DesiredState state = Scratch.state(new FileResource("/a").content("a"),
                new ServiceResource("app.service").watches("file:/etc/app.conf"));
        EngineRun run = s.engine.apply(state);
        assertEquals(2, run.failed());
        assertEquals("service:app.service requires file:/etc/app.conf, which the module does not declare; "
                + "nothing was applied", run.results().get(0).reason());
        assertFalse(Files.exists(s.path("/a")));
    }

    @Test
    void aFailedResourceSkipsEveryLaterOneAndKeepsWhatWasDoneBefore() throws Exception {
        Scratch s = new Scratch(root);
        Files.createDirectories(s.path("/etc/blocked"));
        DesiredState state = Scratch.state(
                new FileResource("/etc/first").content("1"),
                new FileResource("/etc/blocked").content("a directory is in the way"),
                new FileResource("/etc/third").content("3"),
                new DirectoryResource("/var/fourth"));
        EngineRun run = s.engine.apply(state);
        assertEquals(List.of(ResourceResult.CHANGED, ResourceResult.FAILED, ResourceResult.SKIPPED,
                ResourceResult.SKIPPED), run.results().stream().map(ResourceResult::status).toList());
        assertEquals("/etc/blocked is a directory, not a regular file: remove it, or manage it as a directory",
                run.results().get(1).reason());
        assertEquals("not applied: file:/etc/blocked failed", run.results().get(3).reason());
        assertTrue(Files.exists(s.path("/etc/first")));
        assertFalse(Files.exists(s.path("/etc/third")));
        assertFalse(Files.exists(s.path("/var/fourth")));
    }

    @Test
    void aPathThatLeavesTheRootFails() {
        Scratch s = new Scratch(root.resolve("machine"));
        ResourceResult result = Scratch.only(s.engine.apply(Scratch.state(new FileResource("/../escaped").content("x"))));
        assertEquals(ResourceResult.FAILED, result.status());
        assertFalse(Files.exists(root.resolve("escaped")));
    }
}
