package io.labctl.sources.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Version;

/** The module API range check on jars made here. */
class ApiRangeTest {
    @TempDir
    Path dir;

    Path jar(Path at, String header, String value) throws Exception {
        Files.createDirectories(at.getParent());
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue(header, value);
        try (OutputStream out = Files.newOutputStream(at); JarOutputStream j = new JarOutputStream(out, m)) {
            j.flush();
        }
        return at;
    }

    @Test
    void theShippedApiIsTheVersionItsJarExports() throws Exception {
        jar(dir.resolve("m2/io/labctl/labctl-module-api/0.1.0-SNAPSHOT/labctl-module-api-0.1.0-SNAPSHOT.jar"),
                "Export-Package", "io.labctl.module.spi;version=\"1.0.0\",io.labctl.module;version=\"1.2.0\";uses:=\"a,b\"");
        assertEquals(new Version(1, 2, 0), ApiRange.shipped(dir.resolve("m2")));
        assertNull(ApiRange.shipped(dir.resolve("elsewhere")));
    }

    @Test
    void aRangeWithoutThisApiIsNamedWithTheFix() throws Exception {
        Version api = new Version(1, 0, 0);
        assertNull(ApiRange.problem(jar(dir.resolve("a.jar"), "Import-Package",
                "io.labctl.module;version=\"[1.0,2)\",org.osgi.framework"), api));
        String problem = ApiRange.problem(jar(dir.resolve("b.jar"), "Import-Package",
                "org.osgi.framework,io.labctl.module;version=\"[2.0,3)\""), api);
        assertTrue(problem.contains("[2.0,3)") && problem.contains("1.0.0") && problem.contains("[1.0,2)"), problem);
        assertTrue(ApiRange.problem(jar(dir.resolve("c.jar"), "Import-Package", "io.labctl.module;version=\"[x\""), api)
                .contains("not a range"));
    }
}
