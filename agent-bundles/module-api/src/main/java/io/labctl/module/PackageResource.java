package io.labctl.module;

/**
 * A package installed through the machine's package manager (apt on Debian and Ubuntu, dnf where there is no apt):
 * {@code package:NAME}. Without a version any installed version will do; with one, that version is installed. Absent:
 * the package is removed.
 */
public final class PackageResource extends Resource {
    private final String name;
    private String version;

    public PackageResource(String name) {
        super("package", name);
        this.name = name;
    }

    /** The exact version the package manager knows, e.g. {@code 1.22.1-9}. */
    public PackageResource version(String version) {
        this.version = version;
        return this;
    }

    public String name() {
        return name;
    }

    /** The required version, or null for any. */
    public String version() {
        return version;
    }

    @Override
    public PackageResource requires(String... ids) {
        super.requires(ids);
        return this;
    }

    @Override
    public PackageResource absent() {
        super.absent();
        return this;
    }
}
