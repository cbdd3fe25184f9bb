package io.labctl.module;

/**
 * A directory (made with its missing parents): {@code directory:PATH}. Absent: removed only when empty, so a
 * directory never takes unmanaged files with it.
 */
public final class DirectoryResource extends Resource {
    private final String path;
    private Integer mode;
    private String owner;
    private String group;

    public DirectoryResource(String path) {
        super("directory", absolutePath("directory", path));
        this.path = path;
    }

    public DirectoryResource mode(int octal) {
        this.mode = checkedMode(id(), octal);
        return this;
    }

    public DirectoryResource owner(String user) {
        this.owner = user;
        return this;
    }

    public DirectoryResource group(String name) {
        this.group = name;
        return this;
    }

    public String path() {
        return path;
    }

    public Integer mode() {
        return mode;
    }

    public String owner() {
        return owner;
    }

    public String group() {
        return group;
    }

    @Override
    public DirectoryResource requires(String... ids) {
        super.requires(ids);
        return this;
    }

    @Override
    public DirectoryResource absent() {
        super.absent();
        return this;
    }
}
