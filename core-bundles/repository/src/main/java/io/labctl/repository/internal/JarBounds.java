package io.labctl.repository.internal;

import io.labctl.api.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Enumeration;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;

/**
 * The bounds a pushed module jar keeps before labd reads anything in it beyond its directory, and before an agent
 * unpacks it: at most {@link #MAX_ENTRIES} entries, at most {@link #MAX_UNPACKED_BYTES} once unpacked, and a manifest
 * of at most {@link #MAX_MANIFEST_BYTES}. The sizes are measured by inflating, not taken from the jar's directory,
 * which a zip bomb fills with whatever it likes; inflating stops as soon as a bound is passed.
 */
final class JarBounds {
    static final int MAX_ENTRIES = 10_000;
    /** An app carries the Pulumi SDK and its provider SDKs (the Kubernetes one alone is about 18,000 classes). */
    static final int MAX_APP_ENTRIES = 50_000;

    /** What the jar is, for the bounds and the refusals: a module or an app. */
    record Kind(String word, int maxEntries, String code) {}

    static final Kind MODULE = new Kind("module", MAX_ENTRIES, "invalid-module");
    static final Kind APP = new Kind("app", MAX_APP_ENTRIES, "invalid-app");
    static final long MAX_UNPACKED_BYTES = 256L << 20;
    static final int MAX_MANIFEST_BYTES = 1 << 20;

    private JarBounds() {}

    static void check(String fileName, JarFile jar) throws IOException {
        check(fileName, jar, MODULE);
    }

    static void check(String fileName, JarFile jar, Kind kind) throws IOException {
        try {
            measure(fileName, jar, kind);
        } catch (ZipException e) {
            throw refused(kind, fileName + " cannot be unpacked (" + e.getMessage() + "): build the jar again");
        }
    }

    private static void measure(String fileName, JarFile jar, Kind kind) throws IOException {
        if (jar.size() > kind.maxEntries()) {
            throw refused(kind, fileName + " has " + jar.size() + " entries; " + article(kind) + " jar may have at"
                    + " most " + kind.maxEntries() + ": leave out what the " + kind.word() + " does not need (ship"
                    + " large content as an artifact)");
        }
        long unpacked = 0;
        byte[] buffer = new byte[64 * 1024];
        Enumeration<? extends ZipEntry> entries = jar.entries();
        while (entries.hasMoreElements()) {
            ZipEntry entry = entries.nextElement();
            long entryBytes = 0;
            long limit = JarFile.MANIFEST_NAME.equalsIgnoreCase(entry.getName()) ? MAX_MANIFEST_BYTES : Long.MAX_VALUE;
            try (InputStream in = jar.getInputStream(entry)) {
                for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                    entryBytes += n;
                    unpacked += n;
                    if (entryBytes > limit) {
                        throw refused(kind, fileName + ": its manifest is larger than " + MAX_MANIFEST_BYTES / 1024
                                + " KiB unpacked; a bundle manifest needs a few KiB");
                    }
                    if (unpacked > MAX_UNPACKED_BYTES) {
                        throw refused(kind, fileName + " unpacks to more than " + (MAX_UNPACKED_BYTES >> 20) + " MiB"
                                + " (stopped at " + entry.getName() + "); " + article(kind) + " jar holds code and"
                                + " small files: ship large"
                                + " content as an artifact (labctl repo push FILE --name NAME --version VERSION)");
                    }
                }
            }
        }
    }

    private static String article(Kind kind) {
        return (kind.word().startsWith("a") ? "an " : "a ") + kind.word();
    }

    private static ApiException refused(Kind kind, String message) {
        return ApiException.badRequest(kind.code(), message);
    }
}
