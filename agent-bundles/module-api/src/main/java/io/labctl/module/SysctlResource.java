package io.labctl.module;

import java.util.Objects;

/**
 * A kernel parameter: {@code sysctl:KEY}, e.g. {@code net.ipv4.ip_forward = 1}. Persisted in
 * {@code /etc/sysctl.d/90-labctl.conf} and set now. Absent: its line leaves that file (the running value stays).
 */
public final class SysctlResource extends Resource {
    private final String key;
    private final String value;

    public SysctlResource(String key, String value) {
        super("sysctl", key);
        if (!key.matches("[A-Za-z0-9_.\\-/]+")) {
            throw new IllegalArgumentException("sysctl:" + key + ": not a kernel parameter name (e.g. net.ipv4.ip_forward)");
        }
        this.key = key;
        this.value = Objects.requireNonNull(value, "sysctl value");
    }

    public String name() {
        return key;
    }

    public String value() {
        return value;
    }

    @Override
    public SysctlResource requires(String... ids) {
        super.requires(ids);
        return this;
    }

    @Override
    public SysctlResource absent() {
        super.absent();
        return this;
    }
}
