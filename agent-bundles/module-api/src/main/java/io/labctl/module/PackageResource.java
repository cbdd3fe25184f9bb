package io.labctl.module;

public class PackageResource extends Resource {
    public PackageResource(String name) {
        super("package:" + name);
    }

    public PackageResource version(String version) {
        return this;
    }
}
