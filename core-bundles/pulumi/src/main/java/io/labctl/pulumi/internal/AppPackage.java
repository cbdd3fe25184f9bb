package io.labctl.pulumi.internal;

import io.labctl.api.ApiException;
import io.labctl.protocol.InvalidInput;
import io.labctl.protocol.apps.AppDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;

/**
 * What labd reads of an app's jar from its repository: {@code app/app.yaml} and {@code app/values.yaml}, read off the
 * stream (the jar itself is never held in memory), the jar's SHA-256 as the repository computed it.
 */
record AppPackage(AppDescriptor descriptor, Map<String, Object> values, String sha256) {
    private static final int MAX_FILE_BYTES = 256 * 1024;

    /** Reads the two files; the repository checked them at push, so a failure here is labd's, not the caller's. */
    static AppPackage read(InputStream jar, String coordinates, String sha256) throws IOException {
        byte[] appYaml = null;
        byte[] valuesYaml = null;
        try (JarInputStream in = new JarInputStream(jar)) {
            for (JarEntry e = in.getNextJarEntry(); e != null && (appYaml == null || valuesYaml == null);
                 e = in.getNextJarEntry()) {
                if (AppDescriptor.APP_YAML.equals(e.getName())) {
                    appYaml = in.readNBytes(MAX_FILE_BYTES);
                } else if (AppDescriptor.VALUES_YAML.equals(e.getName())) {
                    valuesYaml = in.readNBytes(MAX_FILE_BYTES);
                }
            }
        }
        if (appYaml == null) {
            throw ApiException.conflict("not-an-app", coordinates + " in labd's repository has no "
                    + AppDescriptor.APP_YAML + ": it is not an app");
        }
        try {
            return new AppPackage(AppDescriptor.parse(appYaml),
                    valuesYaml == null ? Map.of() : AppDescriptor.parseValues(valuesYaml), sha256);
        } catch (InvalidInput e) {
            throw ApiException.conflict("invalid-app", coordinates + ": " + e.getMessage());
        }
    }
}
