package io.labctl.repository.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

/** Jars made in memory, shaped as module bundles (or broken on purpose). */
final class TestJars {
    private TestJars() {}

    static String descriptor(String name, String version) {
        return "name: " + name + "\nversion: " + version + "\ndescription: test module\n"
                + "inputs:\n  motd: { type: string, default: hello }\n  token: { type: string, secret: true }\n";
    }

    /** An app jar: app/app.yaml of this name and version, this values.yaml (null: none) and Main-Class (null: none). */
    static byte[] app(String name, String version, String valuesYaml, String mainClass) {
        String appYaml = "name: " + name + "\nversion: " + version + "\ndescription: test app\n"
                + "inputs:\n  replicas: { type: integer, default: 1 }\n  password: { type: string, secret: true }\n"
                + "permissions: [\"apply:<cloud>:<env>:*\"]\n";
        Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        files.put("app/app.yaml", appYaml.getBytes(StandardCharsets.UTF_8));
        if (valuesYaml != null) {
            files.put("app/values.yaml", valuesYaml.getBytes(StandardCharsets.UTF_8));
        }
        return jarWith(mainClass == null ? Map.of() : Map.of("Main-Class", mainClass), null, files);
    }

    /** A well-formed module bundle; extra is put in as one more file, so two jars of one version can differ. */
    static byte[] module(String name, String version, String extra) {
        return jar(Map.of("Bundle-SymbolicName", "io.labctl.modules." + name.replace('-', '.'),
                "Bundle-Version", version, "Import-Package", "io.labctl.module;version=\"[1.0,2)\",org.osgi.framework"),
                descriptor(name, version), extra);
    }

    /** A jar with these manifest headers, this module.yaml and these more entries. */
    static byte[] jarWith(Map<String, String> headers, String moduleYaml, Map<String, byte[]> more) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(
                new java.io.ByteArrayInputStream(jar(headers, moduleYaml, "x")));
             java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(bytes)) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                out.putNextEntry(new ZipEntry(e.getName()));
                in.transferTo(out);
            }
            for (Map.Entry<String, byte[]> e : more.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    /** A jar with these manifest headers (none: no manifest at all) and, when not null, this module.yaml. */
    static byte[] jar(Map<String, String> headers, String moduleYaml, String extra) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            JarOutputStream jar;
            if (headers == null) {
                jar = new JarOutputStream(bytes);
            } else {
                Manifest manifest = new Manifest();
                manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
                headers.forEach((k, v) -> manifest.getMainAttributes().putValue(k, v));
                jar = new JarOutputStream(bytes, manifest);
            }
            try (jar) {
                if (moduleYaml != null) {
                    jar.putNextEntry(new ZipEntry("module.yaml"));
                    jar.write(moduleYaml.getBytes(StandardCharsets.UTF_8));
                }
                jar.putNextEntry(new ZipEntry("extra.txt"));
                jar.write(extra.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    /** A well-formed module bundle with these more entries (name to content) after its own. */
    static byte[] moduleWith(String name, String version, Map<String, byte[]> more) {
        return jarWith(Map.of("Bundle-SymbolicName", "io.labctl.modules." + name.replace('-', '.'),
                "Bundle-Version", version, "Import-Package", "io.labctl.module;version=\"[1.0,2)\",org.osgi.framework"),
                descriptor(name, version), more);
    }
}
