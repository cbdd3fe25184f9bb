package io.labctl.module;

/** A local group: {@code group:NAME}. Absent: the group is deleted. */
public final class GroupResource extends Resource {
    private final String name;
    private Integer gid;
    private boolean system;

    public GroupResource(String name) {
        super("group", name);
        this.name = name;
    }

    public GroupResource gid(int gid) {
        this.gid = gid;
        return this;
    }

    /** A system group (gid from the system range) when created. */
    public GroupResource system(boolean system) {
        this.system = system;
        return this;
    }

    public String name() {
        return name;
    }

    /** Null when unmanaged. */
    public Integer gid() {
        return gid;
    }

    public boolean isSystem() {
        return system;
    }

    @Override
    public GroupResource requires(String... ids) {
        super.requires(ids);
        return this;
    }

    @Override
    public GroupResource absent() {
        super.absent();
        return this;
    }
}
