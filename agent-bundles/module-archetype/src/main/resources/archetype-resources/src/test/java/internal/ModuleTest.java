package ${package}.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.module.ModuleException;
import io.labctl.module.engine.EngineRun;
import io.labctl.module.testkit.ModuleTester;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The module against a scratch root: the module's absolute paths resolve under the test's temporary folder. */
class ModuleTest {
    @TempDir
    Path root;

    ModuleTester tester() {
        return ModuleTester.of(new Module()).server("web-1").input("greeting", "hi").input("port", 8080L).root(root);
    }

    @Test
    void appliesTheConfigurationOnceAndAgainChangesNothing() throws Exception {
        EngineRun first = tester().apply();
        assertEquals(2, first.changed(), first.results().toString());
        String config = Files.readString(root.resolve("etc/${moduleName}/${moduleName}.conf"));
        assertTrue(config.contains("greeting = hi\nport = 8080\nserver = web-1\n"), config);

        EngineRun again = tester().apply();
        assertEquals(0, again.changed(), again.results().toString());
        assertTrue(tester().health().isHealthy());
    }

    @Test
    void aHandEditIsDriftThatThePlanShowsAndTheNextApplyRepairs() throws Exception {
        tester().apply();
        Path config = root.resolve("etc/${moduleName}/${moduleName}.conf");
        Files.writeString(config, "edited by hand\n");

        EngineRun plan = tester().plan();
        assertEquals(1, plan.changed(), plan.results().toString());
        assertEquals("edited by hand\n", Files.readString(config), "a plan changes nothing");

        assertEquals(1, tester().apply().changed());
        assertTrue(Files.readString(config).contains("greeting = hi"));
    }

    @Test
    void removalLeavesNothingBehind() throws Exception {
        tester().apply();
        EngineRun removed = tester().remove();
        assertEquals(0, removed.failed(), removed.results().toString());
        assertFalse(Files.exists(root.resolve("etc/${moduleName}")));
        assertFalse(tester().health().isHealthy());
    }

    @Test
    void aPortOutOfRangeIsRefusedWithTheFix() {
        ModuleException e = assertThrows(ModuleException.class, () -> tester().input("port", 70000L).plan());
        assertTrue(e.getMessage().contains("1-65535"), e.getMessage());
    }
}
