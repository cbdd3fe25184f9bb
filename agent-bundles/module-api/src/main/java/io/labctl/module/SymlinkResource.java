package io.labctl.module;

public class SymlinkResource extends Resource {
    public SymlinkResource(String path, String target) {
        super("symlink:" + path);
    }
}
