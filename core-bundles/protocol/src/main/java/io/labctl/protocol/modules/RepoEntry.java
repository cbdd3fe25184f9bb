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
    /** A Karaf features XML. */
    public static final String FEATURE = "feature";
    /** Anything else, such as a binary a module installs; pushed with an explicit name and version. */
    public static final String ARTIFACT = "artifact";

    /** NAME/VERSION, as the CLI and messages name an entry. */
    public String coordinates() {
        return name + "/" + version;
    }
}
