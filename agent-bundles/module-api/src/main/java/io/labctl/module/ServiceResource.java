package io.labctl.module;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A systemd unit: {@code service:UNIT} (e.g. {@code service:nginx.service}). Enabled and running are each managed only
 * when set. A running service is restarted when a resource it {@link #watches(String...) watches} changed in the same
 * run. Absent: stopped, disabled, and its {@link #unitFile(String) unit file} removed.
 */
public final class ServiceResource extends Resource {
    private final String unit;
    private Boolean enabled;
    private Boolean running;
    private String unitFile;
    private final List<String> watched = new ArrayList<>();

    public ServiceResource(String unit) {
        super("service", unit);
        this.unit = unit;
    }

    /** Starts at boot (or not). */
    public ServiceResource enabled(boolean enabled) {
        this.enabled = enabled;
        return this;
    }

    /** Running now (or stopped). */
    public ServiceResource running(boolean running) {
        this.running = running;
        return this;
    }

    /**
     * Restarts the service when one of these resources changed in this run. They are also applied before it, as if
     * {@link #requires(String...) required}.
     */
    public ServiceResource watches(String... ids) {
        for (String id : ids) {
            watched.add(Objects.requireNonNull(id, "watched id"));
        }
        return this;
    }

    /**
     * The unit's file, written to {@code /etc/systemd/system/UNIT}; systemd reloads its units when it changed, and a
     * running service restarts.
     */
    public ServiceResource unitFile(String content) {
        this.unitFile = content;
        return this;
    }

    public String unit() {
        return unit;
    }

    /** Null when unmanaged. */
    public Boolean enabled() {
        return enabled;
    }

    /** Null when unmanaged. */
    public Boolean running() {
        return running;
    }

    /** The unit file's content, or null when the unit comes from a package. */
    public String unitFile() {
        return unitFile;
    }

    /** The ids of the resources it watches. */
    public List<String> watched() {
        return Collections.unmodifiableList(watched);
    }

    @Override
    public ServiceResource requires(String... ids) {
        super.requires(ids);
        return this;
    }

    @Override
    public ServiceResource absent() {
        super.absent();
        return this;
    }
}
