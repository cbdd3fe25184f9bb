package io.labctl.sources.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which jar of an app's build labd publishes: the one that runs on its own, never the plain one beside it. */
class AppJarSelectionTest {
    @TempDir
    Path src;

    @Test
    void theShadedJarIsPublishedNotThePlainOne() throws Exception {
        jar("target/web-1.0.0.jar", "com.example.Web", List.of("app/app.yaml"));
        jar("target/web-1.0.0-tests.jar", null, List.of("app/app.yaml", "com/pulumi/Pulumi.class"));
        Path shaded = jar("target/web-1.0.0-app.jar", "com.example.Web", List.of("app/app.yaml", "com/pulumi/Pulumi.class"));
        assertEquals(shaded, BuildService.appJar(src));
    }

    @Test
    void aBuildWithoutARunnableAppJarSaysWhatToDo() throws Exception {
        jar("target/web-1.0.0.jar", "com.example.Web", List.of("app/app.yaml"));
        BuildService.StepFailure e = assertThrows(BuildService.StepFailure.class, () -> BuildService.appJar(src));
        assertEquals("check", e.step);
        assertTrue(e.getMessage().contains("shade the app as apps/pom.xml does"), e.getMessage());
        jar("a/target/a-app.jar", "A", List.of("app/app.yaml", "com/pulumi/Pulumi.class"));
        jar("b/target/b-app.jar", "B", List.of("app/app.yaml", "com/pulumi/Pulumi.class"));
        assertTrue(assertThrows(BuildService.StepFailure.class, () -> BuildService.appJar(src)).getMessage()
                .contains("more than one app jar"));
    }

    private Path jar(String path, String mainClass, List<String> entries) throws IOException {
        Path file = src.resolve(path);
        Files.createDirectories(file.getParent());
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (mainClass != null) {
            m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
        }
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, m)) {
            for (String e : entries) {
                jar.putNextEntry(new ZipEntry(e));
                jar.write(1);
            }
        }
        return file;
    }
}
