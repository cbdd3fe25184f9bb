package io.labctl.protocol.modules;

import java.time.Instant;

/**
 * One entry of labd's bundle repository: NAME/VERSION with its kind, the SHA-256 labd computed while receiving it,
 * its size, who uploaded it and when, and (for a module) its descriptor.
 */
public record RepoEntry(String name, String version, String kind, String sha256, long size, String uploadedBy,
        Instant uploadedAt, ModuleDescriptor descriptor) {
    /** A bundle jar with a module.yaml at its root. */
    public static final String MODULE = "module";
    /** A jar with app/app.yaml: an app labd deploys with the Pulumi engine (its name and version from app.yaml). */
    public static final String APP = "app";
    /** A Karaf features XML. */
    public static final String FEATURE = "feature";
    /** Anything else, such as a binary a module installs; pushed with an explicit name and version. */
    public static final String ARTIFACT = "artifact";

    /** labd's REST path of the repository: list and push here, NAME/VERSION below it. */
    public static final String PATH = io.labctl.protocol.Api.ROOT + "/repo";
    /** The response header of a content download: the SHA-256 (hex) labd computed when it received the bytes. */
    public static final String SHA256_HEADER = "X-Labctl-Sha256";

    /** NAME/VERSION, as the CLI and messages name an entry. */
    public String coordinates() {
        return name + "/" + version;
    }

    /** A byte count for people: {@code 12 B}, {@code 1.5 KiB}, {@code 256 MiB}. */
    public static String humanSize(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        String number = value == Math.rint(value) ? String.valueOf((long) value)
                : String.format(java.util.Locale.ROOT, "%.1f", value);
        return number + " " + units[unit];
    }
}
