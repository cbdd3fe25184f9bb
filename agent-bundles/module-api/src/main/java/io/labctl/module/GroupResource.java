package io.labctl.module;

public class GroupResource extends Resource {
    public GroupResource(String name) {
        super("group:" + name);
    }

    public GroupResource gid(int gid) {
        return this;
    }

    public GroupResource system(boolean system) {
        return this;
    }
}
