package io.labctl.protocol.access;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a permission lets its holder do. {@link #ADMIN} on a scope implies every other action there. */
public enum Action {
    READ, EXEC, APPLY, DESTROY, MANAGE, ADMIN, KUBECTL;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a lower-case action name; a clear message listing the valid ones otherwise. */
    public static Action parse(String value) {
        if (value != null) {
            for (Action a : values()) {
                if (a.wire().equals(value.strip().toLowerCase(Locale.ROOT))) {
                    return a;
                }
            }
        }
        throw new IllegalArgumentException("unknown action '" + value + "': use one of " + names());
    }

    public static String names() {
        return Arrays.stream(values()).map(Action::wire).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return wire();
    }
}
