package io.labctl.module;

public class ArtifactResource extends Resource {
    public ArtifactResource(String path, String name, String version, String sha256) {
        super("artifact:" + path);
    }

    public ArtifactResource mode(int octal) {
        return this;
    }
}
