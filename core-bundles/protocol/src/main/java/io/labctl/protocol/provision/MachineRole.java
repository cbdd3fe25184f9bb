package io.labctl.protocol.provision;

import java.util.Locale;

/** What a provisioned machine becomes: a k3s agent with Longhorn storage, or a k3s server with etcd. */
public enum MachineRole {
    WORKER, INFRA;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses "worker" or "infra"; a message naming both otherwise. */
    public static MachineRole parse(String value) {
        if (value != null) {
            for (MachineRole r : values()) {
                if (r.wire().equals(value.strip().toLowerCase(Locale.ROOT))) {
                    return r;
                }
            }
        }
        throw new IllegalArgumentException("unknown role '" + value + "': use worker or infra");
    }
}
