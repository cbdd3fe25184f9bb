package io.labctl.module;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One piece of desired state, identified by {@code type:key} (e.g. {@code file:/etc/motd}). The engine applies
 * resources that others {@link #requires(String...) require} first, the rest in insertion order. Only the resource
 * types of this package exist: the engine knows how to compare and apply each of them.
 */
public abstract class Resource {
    private final String type;
    private final String key;
    private final List<String> requirements = new ArrayList<>();
    private boolean absent;

    Resource(String type, String key) {
        this.type = type;
        this.key = Objects.requireNonNull(key, type);
        if (key.isEmpty()) {
            throw new IllegalArgumentException(type + ": empty name");
        }
    }

    /** {@code type:key}. */
    public final String id() {
        return type + ":" + key;
    }

    /** The resource type, e.g. {@code file}. */
    public final String type() {
        return type;
    }

    /** What identifies it within its type, e.g. the path of a file. */
    public final String key() {
        return key;
    }

    /** Resources (by id) applied before this one; if one of them fails, this one is not applied. */
    public Resource requires(String... ids) {
        for (String id : ids) {
            requirements.add(Objects.requireNonNull(id, "requirement"));
        }
        return this;
    }

    /** The ids this resource requires, in the order given. */
    public final List<String> requirements() {
        return Collections.unmodifiableList(requirements);
    }

    /** Ensures the resource does not exist (removes it when it does) instead of ensuring it is present. */
    public Resource absent() {
        absent = true;
        return this;
    }

    public final boolean isAbsent() {
        return absent;
    }

    @Override
    public String toString() {
        return id();
    }

    static String absolutePath(String type, String path) {
        Objects.requireNonNull(path, type + " path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException(type + ": path '" + path + "' is not absolute");
        }
        return path;
    }

    static int checkedMode(String id, int mode) {
        if (mode < 0 || mode > 07777) {
            throw new IllegalArgumentException(id + ": mode " + Integer.toOctalString(mode)
                    + " is not a file mode (0 to 07777 octal, e.g. 0644)");
        }
        return mode;
    }
}
