package io.labctl.repository.internal;

import io.labctl.api.ApiException;
import io.labctl.protocol.InvalidInput;
import io.labctl.protocol.apps.AppDescriptor;
import io.labctl.protocol.apps.AppInputs;
import io.labctl.protocol.modules.RepoEntry;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

/**
 * The checks an app jar passes before it is stored: a valid {@code app/app.yaml}, a {@code app/values.yaml} (if any)
 * that sets only declared, non-secret inputs with values of their types, and a Main-Class: the engine's Java language
 * host runs the app's program as {@code java -jar}, in its own process, never inside labd. Every problem is named in
 * one refusal.
 */
final class AppJar {
    private static final int MAX_FILE_BYTES = 256 * 1024;

    private AppJar() {}

    static Classified check(String fileName, JarFile jar, String name, String version) throws IOException {
        JarBounds.check(fileName, jar, JarBounds.APP);
        List<String> problems = new ArrayList<>();
        AppDescriptor descriptor = null;
        try {
            descriptor = AppDescriptor.parse(read(jar, AppDescriptor.APP_YAML, problems));
        } catch (InvalidInput e) {
            problems.add(e.getMessage());
        }
        byte[] valuesYaml = jar.getEntry(AppDescriptor.VALUES_YAML) == null ? null
                : read(jar, AppDescriptor.VALUES_YAML, problems);
        if (descriptor != null && valuesYaml != null) {
            values(descriptor, valuesYaml, problems);
        }
        Manifest manifest = jar.getManifest();
        Attributes main = manifest == null ? null : manifest.getMainAttributes();
        if (main == null || main.getValue(Attributes.Name.MAIN_CLASS) == null) {
            problems.add("its manifest has no Main-Class: the engine runs an app's program with java -jar (set the"
                    + " program's class as the jar's Main-Class)");
        }
        if (descriptor != null && name != null && !name.equals(descriptor.name())) {
            problems.add("the name given (" + name + ") is not the app's name in app.yaml (" + descriptor.name()
                    + "); leave --name out for an app");
        }
        if (descriptor != null && version != null && !version.equals(descriptor.version())) {
            problems.add("the version given (" + version + ") is not the app's version in app.yaml ("
                    + descriptor.version() + "); leave --version out for an app");
        }
        if (!problems.isEmpty()) {
            throw ApiException.badRequest("invalid-app", fileName + " is not a valid app: " + String.join("; ", problems));
        }
        return new Classified(RepoEntry.APP, descriptor.name(), descriptor.version(), null);
    }

    /** values.yaml sets declared inputs only, never a secret one, each of its type. */
    private static void values(AppDescriptor descriptor, byte[] yaml, List<String> problems) {
        Map<String, Object> values;
        try {
            values = AppDescriptor.parseValues(yaml);
        } catch (InvalidInput e) {
            problems.add(e.getMessage());
            return;
        }
        for (String unknown : AppInputs.unknown(descriptor, values.keySet())) {
            problems.add("values.yaml sets " + unknown + ", which app.yaml does not declare");
        }
        values.forEach((key, value) -> {
            AppDescriptor.Input input = descriptor.inputs().get(key);
            if (input == null || value == null) {
                return;
            }
            if (input.secret()) {
                problems.add("values.yaml sets the secret input " + key + ": a secret comes with the install, never"
                        + " with the app");
            } else {
                AppInputs.coerce(input.type(), value, "values.yaml's " + key, problems);
            }
        });
    }

    private static byte[] read(JarFile jar, String path, List<String> problems) throws IOException {
        ZipEntry entry = jar.getEntry(path);
        try (InputStream in = jar.getInputStream(entry)) {
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                problems.add(path + " is larger than " + MAX_FILE_BYTES / 1024 + " KiB");
                return new byte[0];
            }
            return bytes;
        }
    }
}
