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
    static final long MAX_UNPACKED_BYTES = 256L << 20;
    static final int MAX_MANIFEST_BYTES = 1 << 20;

    private JarBounds() {}

    static void check(String fileName, JarFile jar) throws IOException {
        try {
            measure(fileName, jar);
        } catch (ZipException e) {
            throw refused(fileName + " cannot be unpacked (" + e.getMessage() + "): build the jar again");
        }
    }

    private static void measure(String fileName, JarFile jar) throws IOException {
        if (jar.size() > MAX_ENTRIES) {
            throw refused(fileName + " has " + jar.size() + " entries; a module jar may have at most " + MAX_ENTRIES
                    + ": leave out what the module does not need (ship large content as an artifact)");
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
                        throw refused(fileName + ": its manifest is larger than " + MAX_MANIFEST_BYTES / 1024
                                + " KiB unpacked; a bundle manifest needs a few KiB");
                    }
                    if (unpacked > MAX_UNPACKED_BYTES) {
                        throw refused(fileName + " unpacks to more than " + (MAX_UNPACKED_BYTES >> 20) + " MiB (stopped"
                                + " at " + entry.getName() + "); a module jar holds code and small files: ship large"
                                + " content as an artifact (labctl repo push FILE --name NAME --version VERSION)");
                    }
                }
            }
        }
    }

    private static ApiException refused(String message) {
        return ApiException.badRequest("invalid-module", message);
    }
}
