package io.labctl.module;

public class ServiceResource extends Resource {
    public ServiceResource(String unit) {
        super("service:" + unit);
    }

    public ServiceResource enabled(boolean enabled) {
        return this;
    }

    public ServiceResource running(boolean running) {
        return this;
    }

    public ServiceResource watches(String... ids) {
        return this;
    }

    public ServiceResource unitFile(String content) {
        return this;
    }
}
