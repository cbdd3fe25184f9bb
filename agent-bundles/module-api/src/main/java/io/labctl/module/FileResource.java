package io.labctl.module;

public class FileResource extends Resource {
    public FileResource(String path) {
        super("file:" + path);
    }

    public FileResource content(String content) {
        return this;
    }

    public FileResource content(Secret content) {
        return this;
    }

    public FileResource template(String text) {
        return this;
    }

    public FileResource mode(int octal) {
        return this;
    }

    public FileResource owner(String owner) {
        return this;
    }

    public FileResource group(String group) {
        return this;
    }

    public FileResource sensitive() {
        return this;
    }
}
