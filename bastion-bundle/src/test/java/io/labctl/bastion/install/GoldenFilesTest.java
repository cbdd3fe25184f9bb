package io.labctl.bastion.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Byte-for-byte comparison with src/test/resources/golden/. Regenerate with
 * {@code mvn test -Dgolden.update=true} (or env GOLDEN_UPDATE=true), then review the diff.
 */
class GoldenFilesTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    static boolean updating() {
        return Boolean.getBoolean("golden.update") || "true".equalsIgnoreCase(System.getenv("GOLDEN_UPDATE"));
    }

    @TestFactory
    List<DynamicTest> goldens() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Role role : Role.values()) {
            for (InstallMode mode : InstallMode.values()) {
                String suffix = role.id() + "-" + mode.name().toLowerCase(Locale.ROOT);
                tests.add(golden("kickstart-" + suffix + ".ks", role, mode, KickstartRenderer::render));
                tests.add(golden("preseed-" + suffix + ".cfg", role, mode, PreseedRenderer::render));
            }
            tests.add(golden("preseed-reprovision-early-" + role.id() + ".sh", role, InstallMode.REPROVISION,
                    PreseedRenderer::renderReprovisionEarlyScript));
        }
        return tests;
    }

    private static DynamicTest golden(String file, Role role, InstallMode mode, Function<InstallContext, String> r) {
        return DynamicTest.dynamicTest(file, () -> {
            String actual = r.apply(Fixtures.ctx(role, mode));
            Path p = GOLDEN.resolve(file);
            if (updating()) {
                Files.createDirectories(GOLDEN);
                Files.writeString(p, actual, StandardCharsets.UTF_8);
                return;
            }
            assertTrue(Files.exists(p), "missing golden " + p + " (run with -Dgolden.update=true)");
            assertEquals(read(p), actual, "rendered output differs from " + p);
        });
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
