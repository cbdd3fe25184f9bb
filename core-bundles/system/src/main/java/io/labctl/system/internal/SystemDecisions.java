package io.labctl.system.internal;

import io.labctl.api.ApiException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import org.osgi.framework.Version;

/** What may be changed on a running labd, and the checks on a jar taken from the repository: pure, unit-tested. */
final class SystemDecisions {
    private SystemDecisions() {}

    static final Pattern NAME = Pattern.compile("labd-[a-z0-9][a-z0-9-]{0,62}");

    /**
     * Capabilities labd cannot lose while it runs, so never replaced or removed live, each with why. Replacing one
     * stops and restarts it and everything wired to it (Karaf refreshes the bundles that import from it).
     */
    static final Map<String, String> PROTECTED = Map.ofEntries(
            Map.entry("labd-api", "every capability imports its interfaces: replacing it restarts all of labd"),
            Map.entry("labd-persistence", "it holds the database connections and runs every capability's migrations"),
            Map.entry("labd-ca", "it holds the CA key the HTTPS front end and every certificate check use"),
            Map.entry("labd-web", "it serves the HTTPS front end this very request came through, with every user stream"),
            Map.entry("labd-registry", "the agents' connections depend on its services: every agent would drop"),
            Map.entry("labd-gateway", "it holds every agent's connection: every agent would drop"),
            Map.entry("labd-rbac", "access control: while it is replaced labd refuses every request"),
            Map.entry("labd-audit", "the audit chain: while it is replaced no change can be recorded"),
            Map.entry("labd-shell", "every capability's shell commands are built on it: all would restart"),
            Map.entry("labd-system", "it runs the change itself"));

    /** null when the name is a labd capability's, else what is wrong with it. */
    static String invalidName(String feature) {
        if (feature == null || feature.isBlank()) {
            return "give the feature, e.g. labd-exec (labctl system features lists them)";
        }
        if (!NAME.matcher(feature).matches()) {
            return "'" + feature + "' is not a labd capability: their names start with labd- and use a-z, 0-9 and '-'"
                    + " (labctl system features lists them)";
        }
        return null;
    }

    /** A short name (exec) stands for its feature (labd-exec). */
    static String fullName(String feature) {
        return feature != null && !feature.startsWith("labd-") && feature.matches("[a-z0-9][a-z0-9-]{0,62}")
                ? "labd-" + feature : feature;
    }

    /** The refusal for a protected feature, null when it may be changed live. */
    static String protectedReason(String feature, String verb) {
        String why = PROTECTED.get(feature);
        return why == null ? null : feature + " cannot be " + verb + " on a running labd: " + why
                + ". Upgrade the labd distribution (and restart) for it.";
    }

    /** Karaf writes versions the OSGi way: 0.1.0-SNAPSHOT is 0.1.0.SNAPSHOT. */
    static String osgi(String version) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?(?:[.-]([A-Za-z0-9_-]+))?")
                .matcher(version == null ? "" : version.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + version + "' is not a version");
        }
        return new Version(Integer.parseInt(m.group(1)), m.group(2) == null ? 0 : Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)), m.group(4)).toString();
    }

    /** Who needs the feature: the installed features that name it as a dependency. */
    static List<String> neededBy(String feature, Map<String, List<String>> installedDependencies) {
        return installedDependencies.entrySet().stream()
                .filter(e -> !e.getKey().equals(feature) && e.getValue().contains(feature))
                .map(Map.Entry::getKey).sorted().toList();
    }

    /** The jar's bundle symbolic name and version as its manifest says: null when it is not a bundle. */
    record Manifested(String symbolicName, Version version, boolean commands, boolean schema) {}

    static Manifested manifest(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest m = file.getManifest();
            String name = m == null ? null : m.getMainAttributes().getValue("Bundle-SymbolicName");
            String version = m == null ? null : m.getMainAttributes().getValue("Bundle-Version");
            if (name == null) {
                return null;
            }
            return new Manifested(name.split(";")[0].strip(), Version.parseVersion(version == null ? "0" : version.strip()),
                    m.getMainAttributes().getValue("Karaf-Commands") != null,
                    m.getMainAttributes().getValue("Labctl-Schema") != null);
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The refusal when the repository's jar is not the bundle expected at that version (expected null: any bundle
     * name, for a capability installed from the repository), else null.
     */
    static String wrongJar(Manifested m, String expectedBundle, String version, String feature) {
        Version wanted = Version.parseVersion(osgi(version));
        if (m == null) {
            return "the repository's " + feature + " " + version + " is not an OSGi bundle (no Bundle-SymbolicName)";
        }
        if ((expectedBundle != null && !expectedBundle.equals(m.symbolicName())) || !wanted.equals(m.version())) {
            return "the repository's " + feature + " " + version + " is bundle " + m.symbolicName() + " " + m.version()
                    + ", not " + (expectedBundle == null ? "version " + wanted : expectedBundle + " " + wanted)
                    + ": push the right jar under that name and version";
        }
        return null;
    }

    /**
     * Copies the content to the file (through a temporary beside it, moved into place only when whole and right):
     * null when its SHA-256 is the expected one, else the digest it has (and no file is left).
     */
    static String copyChecked(java.io.InputStream content, Path file, String expectedSha256) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".part");
        java.security.MessageDigest sha;
        try {
            sha = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (java.io.OutputStream out = new java.security.DigestOutputStream(java.nio.file.Files.newOutputStream(temp), sha)) {
            content.transferTo(out);
        } catch (IOException e) {
            java.nio.file.Files.deleteIfExists(temp);
            throw e;
        }
        String digest = java.util.HexFormat.of().formatHex(sha.digest());
        if (!digest.equals(expectedSha256)) {
            java.nio.file.Files.deleteIfExists(temp);
            return digest;
        }
        java.nio.file.Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return null;
    }

    /** A feature dependency as the new feature states it: a name, and a version when the old one gave one. */
    record Dependency(String name, String version, boolean prerequisite, boolean dependency) {}

    /** A bundle of the new feature: its location and start level (0: the default). */
    record BundleLine(String location, int startLevel, boolean dependency) {}

    /**
     * The features repository that defines FEATURE/VERSION with the jar from the repository in place of the old
     * bundle, and the old feature's dependencies and library bundles kept.
     */
    static String featuresXml(String repositoryName, String feature, String version, String description,
                              List<Dependency> dependencies, List<BundleLine> bundles) {
        StringBuilder x = new StringBuilder();
        x.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<!-- written by labd-system for 'labctl system upgrade|install': do not edit -->\n")
                .append("<features name=\"").append(xml(repositoryName))
                .append("\" xmlns=\"http://karaf.apache.org/xmlns/features/v1.6.0\">\n")
                .append("  <feature name=\"").append(xml(feature)).append("\" version=\"").append(xml(version)).append('"');
        if (description != null) {
            x.append(" description=\"").append(xml(description)).append('"');
        }
        x.append(">\n");
        for (Dependency d : dependencies) {
            x.append("    <feature");
            if (d.version() != null) {
                x.append(" version=\"").append(xml(d.version())).append('"');
            }
            if (d.prerequisite()) {
                x.append(" prerequisite=\"true\"");
            }
            if (d.dependency()) {
                x.append(" dependency=\"true\"");
            }
            x.append('>').append(xml(d.name())).append("</feature>\n");
        }
        for (BundleLine b : bundles) {
            x.append("    <bundle");
            if (b.startLevel() > 0) {
                x.append(" start-level=\"").append(b.startLevel()).append('"');
            }
            if (b.dependency()) {
                x.append(" dependency=\"true\"");
            }
            x.append('>').append(xml(b.location())).append("</bundle>\n");
        }
        return x.append("  </feature>\n</features>\n").toString();
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
