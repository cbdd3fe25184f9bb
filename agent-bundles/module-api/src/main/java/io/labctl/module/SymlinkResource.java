package io.labctl.module;

import java.util.Objects;

/** A symbolic link to a target (as written, not resolved): {@code symlink:PATH}. Absent: the link is removed. */
public final class SymlinkResource extends Resource {
    private final String path;
    private final String target;

    public SymlinkResource(String path, String target) {
        super("symlink", absolutePath("symlink", path));
        this.path = path;
        this.target = Objects.requireNonNull(target, "symlink target");
    }

    public String path() {
        return path;
    }

    public String target() {
        return target;
    }

    @Override
    public SymlinkResource requires(String... ids) {
        super.requires(ids);
        return this;
    }

    @Override
    public SymlinkResource absent() {
        super.absent();
        return this;
    }
}
