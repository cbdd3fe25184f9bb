package io.labctl.modules.example.tree.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.module.engine.EngineRun;
import io.labctl.module.testkit.ModuleTester;
import io.labctl.protocol.modules.ResourceResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeModuleTest {
    @TempDir
    Path root;

    ModuleTester tester(long files) {
        // the package is left out here: a scratch root has no package manager (the benchmark runs it for real)
        return ModuleTester.of(new TreeModule()).server("t1").root(root).input("base", "/srv/tree").input("dirs", 5L)
                .input("files", files).input("content", "managed by labctl").input("package", "bash");
    }

    @Test
    void filesSpreadOverTheDirectoriesAndASecondApplyChangesNothing() throws Exception {
        EngineRun first = tester(12).apply();
        // 1 base + 5 dirs + 12 files + 1 line changed; the package fails on a scratch root (no package manager)
        assertEquals(19, first.changed(), first.results().toString());
        assertTrue(Files.readString(root.resolve("srv/tree/d2/f7.conf")).contains("file 7 on t1"));
        assertTrue(Files.readString(root.resolve("srv/tree/settings.conf")).contains("managed=true"));
        EngineRun second = tester(12).apply();
        assertEquals(0, second.changed(), second.results().toString());
        assertEquals(19, second.results().stream().filter(r -> r.status().equals(ResourceResult.UNCHANGED)).count());
    }

    @Test
    void aFileEditedByHandIsDriftInAPlan() throws Exception {
        tester(3).apply();
        Files.writeString(root.resolve("srv/tree/d3/f3.conf"), "edited\n");
        EngineRun plan = tester(3).plan();
        ResourceResult f3 = plan.results().stream().filter(r -> r.id().equals("file:/srv/tree/d3/f3.conf")).findFirst().orElseThrow();
        assertEquals(ResourceResult.CHANGED, f3.status());
        assertEquals("edited\n", Files.readString(root.resolve("srv/tree/d3/f3.conf")), "a plan changes nothing");
    }
}
