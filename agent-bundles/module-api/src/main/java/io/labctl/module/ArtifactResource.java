package io.labctl.module;

import java.util.Locale;
import java.util.Objects;

/**
 * A file fetched from labd's repository (e.g. a binary an operator pushed): {@code artifact:PATH}. Its SHA-256 is
 * pinned: the bytes are written beside the target and moved into place only after their digest matched, so a wrong
 * download leaves nothing behind. Present when the file's digest equals the pinned one. Absent: the file is removed.
 */
public final class ArtifactResource extends Resource {
    private final String path;
    private final String name;
    private final String version;
    private final String sha256;
    private Integer mode;

    public ArtifactResource(String path, String name, String version, String sha256) {
        super("artifact", absolutePath("artifact", path));
        this.path = path;
        this.name = Objects.requireNonNull(name, "artifact name");
        this.version = Objects.requireNonNull(version, "artifact version");
        this.sha256 = Objects.requireNonNull(sha256, "artifact sha256").toLowerCase(Locale.ROOT);
        if (!this.sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(id() + ": sha256 '" + sha256 + "' is not 64 hex digits");
        }
    }

    /** Permission bits, e.g. {@code 0755} for a binary. */
    public ArtifactResource mode(int octal) {
        this.mode = checkedMode(id(), octal);
        return this;
    }

    public String path() {
        return path;
    }

    /** The name in labd's repository. */
    public String name() {
        return name;
    }

    public String version() {
        return version;
    }

    /** The pinned digest, lower-case hex. */
    public String sha256() {
        return sha256;
    }

    public Integer mode() {
        return mode;
    }

    @Override
    public ArtifactResource requires(String... ids) {
        super.requires(ids);
        return this;
    }

    @Override
    public ArtifactResource absent() {
        super.absent();
        return this;
    }
}
