package io.labctl.module;

import java.util.ArrayList;
import java.util.List;

public final class DesiredState {
    private final List<Resource> resources = new ArrayList<>();

    public DesiredState add(Resource r) {
        if (resources.stream().anyMatch(x -> x.id().equals(r.id()))) {
            throw new IllegalArgumentException("duplicate resource " + r.id());
        }
        resources.add(r);
        return this;
    }

    public List<Resource> resources() {
        return List.copyOf(resources);
    }
}
