package io.labctl.module;

import java.util.ArrayList;
import java.util.List;

public abstract class Resource {
    private final String id;
    private final List<String> requirements = new ArrayList<>();
    private boolean absent;

    protected Resource(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public Resource requires(String... ids) {
        requirements.addAll(List.of(ids));
        return this;
    }

    public List<String> requirements() {
        return List.copyOf(requirements);
    }

    public Resource absent() {
        absent = true;
        return this;
    }

    public boolean isAbsent() {
        return absent;
    }
}
