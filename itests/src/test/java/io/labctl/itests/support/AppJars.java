package io.labctl.itests.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** App jars for the tests: the next version of a built app, as its author would publish it. */
public final class AppJars {
    private AppJars() {}

    /** A copy of {@code jar} whose app/app.yaml says {@code version} (everything else byte for byte the same). */
    public static Path withVersion(Path jar, Path to, String version) throws IOException {
        try (InputStream raw = Files.newInputStream(jar); ZipInputStream in = new ZipInputStream(raw);
             OutputStream file = Files.newOutputStream(to); ZipOutputStream out = new ZipOutputStream(file)) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                out.putNextEntry(new ZipEntry(e.getName()));
                if (e.getName().equals("app/app.yaml")) {
                    String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    out.write(yaml.replaceFirst("(?m)^version: .*$", "version: " + version)
                            .getBytes(StandardCharsets.UTF_8));
                } else {
                    in.transferTo(out);
                }
            }
        }
        return to;
    }
}
