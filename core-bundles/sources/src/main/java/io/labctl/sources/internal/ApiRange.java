package io.labctl.sources.internal;

import io.labctl.protocol.modules.ManifestClauses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;

/**
 * The module API check: the range in which the built module imports {@code io.labctl.module} must hold the version
 * of the module API this labd ships (the one the build compiled against: labctl-module-api from labd's API
 * artifacts). A module built against another labd, or with a hand-written range that excludes this API, would be
 * refused by every agent (module-unresolvable); labd refuses to publish it instead.
 */
final class ApiRange {
    static final String PACKAGE = "io.labctl.module";

    private ApiRange() {}

    /** The version at which the newest labctl-module-api jar of the build's repository exports the API, or null. */
    static Version shipped(Path m2) throws IOException {
        Path dir = m2.resolve("io/labctl/labctl-module-api");
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (Stream<Path> files = Files.walk(dir, 2)) {
            for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).sorted(Comparator.reverseOrder()).toList()) {
                try (JarFile j = new JarFile(jar.toFile())) {
                    String exports = j.getManifest() == null ? null : j.getManifest().getMainAttributes().getValue("Export-Package");
                    Version v = version(exports, "version");
                    if (v != null) {
                        return v;
                    }
                }
            }
        }
        return null;
    }

    /** Null when the module imports the API in a range holding {@code api}; otherwise what is wrong. */
    static String problem(Path moduleJar, Version api) throws IOException {
        if (api == null) {
            return null;   // no API jar to compare with: the agent checks the range when it installs the module
        }
        String imports;
        try (JarFile j = new JarFile(moduleJar.toFile())) {
            imports = j.getManifest() == null ? null : j.getManifest().getMainAttributes().getValue("Import-Package");
        }
        List<ManifestClauses.Clause> clauses = imports == null ? List.of() : ManifestClauses.parse(imports);
        for (ManifestClauses.Clause c : clauses) {
            if (c.names().contains(PACKAGE)) {
                String range = c.attributes().getOrDefault("version", "0.0.0");
                VersionRange r;
                try {
                    r = new VersionRange(range);
                } catch (IllegalArgumentException e) {
                    return "it imports " + PACKAGE + " with the version range '" + range + "', which is not a range";
                }
                return r.includes(api) ? null : "it imports " + PACKAGE + " in the range " + range + ", which does not"
                        + " hold this labd's module API " + api + ": build it against this labd's labctl-module-api"
                        + " (the range [" + api.getMajor() + "." + api.getMinor() + "," + (api.getMajor() + 1) + ") that"
                        + " the bundle plugin writes) and do not set the range by hand";
            }
        }
        return null;   // no import at all: the repository's push check names that
    }

    private static Version version(String header, String attribute) {
        if (header == null) {
            return null;
        }
        for (ManifestClauses.Clause c : ManifestClauses.parse(header)) {
            if (c.names().contains(PACKAGE)) {
                String v = c.attributes().get(attribute);
                return v == null ? Version.emptyVersion : Version.parseVersion(v);
            }
        }
        return null;
    }
}
