package io.labctl.modules.labd.internal;

import static io.labctl.modules.support.ModuleFixture.assertNoSecret;
import static io.labctl.modules.support.ModuleFixture.assertStatus;
import static io.labctl.protocol.modules.ResourceResult.CHANGED;
import static io.labctl.protocol.modules.ResourceResult.FAILED;
import static io.labctl.protocol.modules.ResourceResult.SKIPPED;
import static io.labctl.protocol.modules.ResourceResult.UNCHANGED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.labctl.module.ModuleException;
import io.labctl.module.ServiceResource;
import io.labctl.module.engine.EngineRun;
import io.labctl.modules.support.ModuleFixture;
import io.labctl.protocol.InvalidInput;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabdModuleTest {
    static final String CONFIG = "/opt/labd/etc/io.labctl.persistence.cfg";
    static final String PASSWORD = "/opt/labd/etc/database-password";
    static final String SECRET = "s3cret-Pa55word";

    @TempDir
    Path root;

    ModuleFixture fixture() {
        return ModuleFixture.of(new LabdModule(), root)
                .set("jdbcUrl", "jdbc:postgresql://db.example.org:5432/labd")
                .set("dbPassword", SECRET);
    }

    @Test
    void writesThePersistenceSettingsOwnerOnlyAndASecondApplyChangesNothing() throws Exception {
        ModuleFixture fixture = fixture();
        EngineRun first = fixture.tester().apply();
        assertStatus(first, "file:" + CONFIG, CHANGED);
        assertStatus(first, "file:" + PASSWORD, CHANGED);

        // the keys of the persistence component's configuration (PID io.labctl.persistence)
        Properties cfg = new Properties();
        cfg.load(new StringReader(Files.readString(fixture.file(CONFIG))));
        assertEquals("jdbc:postgresql://db.example.org:5432/labd", cfg.getProperty("jdbcUrl"));
        assertEquals("labd", cfg.getProperty("user"));
        assertEquals(PASSWORD, cfg.getProperty("passwordFile"));
        assertEquals("10", cfg.getProperty("poolSize"));
        assertFalse(Files.readString(fixture.file(CONFIG)).contains(SECRET), "the password is only in its own file");
        assertEquals(SECRET, Files.readString(fixture.file(PASSWORD)).strip());
        for (String file : List.of(CONFIG, PASSWORD)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fixture.file(file))), file);
        }

        EngineRun second = fixture.tester().apply();
        assertStatus(second, "file:" + CONFIG, UNCHANGED);
        assertStatus(second, "file:" + PASSWORD, UNCHANGED);
        assertEquals(0, second.changed(), ModuleFixture.describe(second));
    }

    @Test
    void thePasswordIsNeverInADiff() throws Exception {
        assertNoSecret(fixture().tester().plan(), SECRET);
        assertNoSecret(fixture().tester().apply(), SECRET);
        EngineRun changed = fixture().set("dbPassword", "another-" + SECRET).tester().plan();
        assertStatus(changed, "file:" + PASSWORD, CHANGED);
        assertNoSecret(changed, SECRET);
        assertNoSecret(changed, "another-" + SECRET);
    }

    @Test
    void theUnitRunsKarafAndRestartsWhenTheDatabaseSettingsChange() throws Exception {
        ServiceResource service = (ServiceResource) fixture().tester().desiredState().resources().stream()
                .filter(r -> r instanceof ServiceResource).findFirst().orElseThrow();
        assertEquals("labd.service", service.unit());
        assertEquals(List.of("file:" + PASSWORD, "file:" + CONFIG), service.watched());
        assertTrue(service.unitFile().contains("ExecStart=/opt/labd/bin/karaf server\n"), service.unitFile());
        assertTrue(service.unitFile().contains("Environment=KARAF_EXEC=exec\n"), service.unitFile());
    }

    @Test
    void badInputsAreRefusedNamingThem() {
        // types and required inputs: labd's validation of module.yaml
        InvalidInput missing = assertThrows(InvalidInput.class,
                () -> ModuleFixture.of(new LabdModule(), root).set("poolSize", "many").tester());
        assertTrue(missing.getMessage().contains("jdbcUrl") && missing.getMessage().contains("dbPassword")
                && missing.getMessage().contains("poolSize"), missing.getMessage());
        // what only the module knows
        assertTrue(assertThrows(ModuleException.class, () -> fixture().set("jdbcUrl", "jdbc:mysql://db/labd").tester()
                .apply()).getMessage().contains("'jdbcUrl'"));
        assertFalse(Files.exists(root.resolve("opt")), "nothing written");
    }

    @Test
    void removalTakesNothingAwayBeforeLabdIsStopped() throws Exception {
        fixture().tester().apply();
        EngineRun removed = fixture().tester().remove();
        // a scratch root cannot stop a service: the settings stay (the k3s and bastion machine tests run a removal
        // through systemd; all modules share it)
        assertEquals("service:labd.service", removed.results().get(0).id());
        assertStatus(removed, "service:labd.service", FAILED);
        assertStatus(removed, "file:" + CONFIG, SKIPPED);
        assertStatus(removed, "file:" + PASSWORD, SKIPPED);
        assertTrue(Files.exists(fixture().file(CONFIG)));
        assertTrue(Files.exists(fixture().file(PASSWORD)));
    }

    @Test
    void itsModuleYamlIsValidAndMarksTheSecretInputs() {
        var descriptor = ModuleFixture.descriptorOf(new LabdModule());
        assertEquals("labd", descriptor.name());
        assertEquals("1.0.0", descriptor.version());
        assertEquals(java.util.Set.of("dbPassword"), descriptor.secretInputs());
    }
}
