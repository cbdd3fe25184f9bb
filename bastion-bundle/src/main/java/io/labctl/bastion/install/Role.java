package io.labctl.bastion.install;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Machine role; decides the data volume of the disk layout. */
public enum Role {
    WORKER("worker"),
    INFRA("infra");

    private final String id;

    Role(String id) {
        this.id = id;
    }

    /** Lower-case identifier as used in inventory, URLs and file names. */
    public String id() {
        return id;
    }

    /** Parses "worker" / "infra" (case-insensitive, surrounding blanks ignored). */
    public static Role parse(String text) {
        if (text != null) {
            String t = text.strip().toLowerCase(Locale.ROOT);
            for (Role r : values()) {
                if (r.id.equals(t)) {
                    return r;
                }
            }
        }
        throw new InstallConfigException("unknown role '" + Validation.printable(text) + "'; expected one of: "
                + Arrays.stream(values()).map(Role::id).collect(Collectors.joining(", ")));
    }
}
