package io.labctl.module;

public class CommandResource extends Resource {
    public CommandResource(String name, String... argv) {
        super("command:" + name);
    }

    public CommandResource creates(String path) {
        return this;
    }

    public CommandResource unless(String... argv) {
        return this;
    }
}
