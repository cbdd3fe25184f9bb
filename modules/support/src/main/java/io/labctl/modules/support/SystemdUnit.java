package io.labctl.modules.support;

import java.util.ArrayList;
import java.util.List;

/** The text of a systemd service unit, built line by line in a fixed order so it renders the same every time. */
public final class SystemdUnit {
    private final String description;
    private final List<String> unit = new ArrayList<>();
    private final List<String> service = new ArrayList<>();

    public SystemdUnit(String description) {
        this.description = description;
    }

    /** Starts after the network is up (both daemons dial out or serve at once). */
    public SystemdUnit afterNetwork() {
        unit.add("Wants=network-online.target");
        unit.add("After=network-online.target");
        return this;
    }

    public SystemdUnit service(String key, String value) {
        service.add(key + "=" + value);
        return this;
    }

    /** JAVA_HOME for the start script; nothing when blank (the script then takes java from PATH). */
    public SystemdUnit javaHome(String javaHome) {
        if (javaHome != null && !javaHome.isBlank()) {
            service.add("Environment=\"JAVA_HOME=" + javaHome.strip() + "\"");
        }
        return this;
    }

    public String render() {
        StringBuilder text = new StringBuilder("# written by a labctl configuration module: edits are reverted\n");
        text.append("[Unit]\nDescription=").append(description).append('\n');
        unit.forEach(line -> text.append(line).append('\n'));
        text.append("\n[Service]\n");
        service.forEach(line -> text.append(line).append('\n'));
        text.append("\n[Install]\nWantedBy=multi-user.target\n");
        return text.toString();
    }
}
