package io.labctl.protocol.provision;

import java.util.Locale;

/**
 * Where a machine is in provisioning. discovered: booted, no plan; planned: will install on its next boot;
 * installing: its installer fetched its files; installed: the installer reported success, it boots from disk.
 */
public enum MachineState {
    DISCOVERED, PLANNED, INSTALLING, INSTALLED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static MachineState parse(String value) {
        return valueOf(value.strip().toUpperCase(Locale.ROOT));
    }
}
