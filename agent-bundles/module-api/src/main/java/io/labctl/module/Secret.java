package io.labctl.module;

import java.util.Objects;

/** A secret value: shown as {@code ******} everywhere except where {@link #reveal()} puts it. */
public final class Secret {
    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /** The value in clear: only to put it where it is needed (a file's content, a command's environment). */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "******";
    }
}
