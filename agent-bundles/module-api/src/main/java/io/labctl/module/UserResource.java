package io.labctl.module;

public class UserResource extends Resource {
    public UserResource(String name) {
        super("user:" + name);
    }

    public UserResource uid(int uid) {
        return this;
    }

    public UserResource home(String home) {
        return this;
    }

    public UserResource shell(String shell) {
        return this;
    }

    public UserResource system(boolean system) {
        return this;
    }

    public UserResource groups(String... groups) {
        return this;
    }
}
