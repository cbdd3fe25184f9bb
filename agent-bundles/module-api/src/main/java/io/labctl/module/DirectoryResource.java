package io.labctl.module;

public class DirectoryResource extends Resource {
    public DirectoryResource(String path) {
        super("directory:" + path);
    }

    public DirectoryResource mode(int octal) {
        return this;
    }

    public DirectoryResource owner(String owner) {
        return this;
    }

    public DirectoryResource group(String group) {
        return this;
    }
}
