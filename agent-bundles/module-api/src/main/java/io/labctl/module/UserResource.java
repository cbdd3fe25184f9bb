package io.labctl.module;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A local user account: {@code user:NAME}. Uid, home, shell and groups are each managed only when set; {@code system}
 * only matters when the user is created. Absent: the user is deleted (its home stays).
 */
public final class UserResource extends Resource {
    private final String name;
    private Integer uid;
    private String home;
    private String shell;
    private boolean system;
    private List<String> groups;

    public UserResource(String name) {
        super("user", name);
        this.name = name;
    }

    public UserResource uid(int uid) {
        this.uid = uid;
        return this;
    }

    public UserResource home(String path) {
        this.home = absolutePath("user home", path);
        return this;
    }

    public UserResource shell(String path) {
        this.shell = absolutePath("user shell", path);
        return this;
    }

    /** A system account (uid from the system range, no home made) when created. */
    public UserResource system(boolean system) {
        this.system = system;
        return this;
    }

    /** Exactly these supplementary groups. */
    public UserResource groups(String... names) {
        this.groups = List.of(names);
        return this;
    }

    public String name() {
        return name;
    }

    public Integer uid() {
        return uid;
    }

    public String home() {
        return home;
    }

    public String shell() {
        return shell;
    }

    public boolean isSystem() {
        return system;
    }

    /** The supplementary groups, or null when unmanaged. */
    public List<String> supplementaryGroups() {
        return groups == null ? null : Collections.unmodifiableList(new ArrayList<>(groups));
    }

    @Override
    public UserResource requires(String... ids) {
        super.requires(ids);
        return this;
    }

    @Override
    public UserResource absent() {
        super.absent();
        return this;
    }
}
