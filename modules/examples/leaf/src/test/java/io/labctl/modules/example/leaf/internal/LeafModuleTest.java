package io.labctl.modules.example.leaf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.module.engine.EngineRun;
import io.labctl.module.testkit.ModuleTester;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeafModuleTest {
    @TempDir
    Path root;

    ModuleTester tester() {
        return ModuleTester.of(new LeafModule()).server("t1").root(root).input("base", "/srv/tree")
                .input("message", "leaf of the tree");
    }

    @Test
    void writesItsFileOnceAndItsRemovalTakesOnlyThatFile() throws Exception {
        Files.createDirectories(root.resolve("srv/tree"));
        Files.writeString(root.resolve("srv/tree/settings.conf"), "managed=true\n");

        EngineRun first = tester().apply();
        assertEquals(1, first.changed(), first.results().toString());
        assertEquals("leaf of the tree on t1\n", Files.readString(root.resolve("srv/tree/leaf.conf")));
        assertEquals(0, tester().apply().changed(), "a second apply changes nothing");

        EngineRun removal = tester().remove();
        assertEquals(1, removal.changed(), removal.results().toString());
        assertFalse(Files.exists(root.resolve("srv/tree/leaf.conf")));
        assertTrue(Files.exists(root.resolve("srv/tree/settings.conf")), "example-tree's files stay");
    }
}
