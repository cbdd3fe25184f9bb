package io.labctl.module;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The resources a module wants on a server, in the order they were added. */
public final class DesiredState {
    private final List<Resource> resources = new ArrayList<>();
    private final Set<String> ids = new HashSet<>();

    /**
     * Adds a resource.
     *
     * @throws IllegalArgumentException when a resource with the same id was added already
     */
    public DesiredState add(Resource resource) {
        if (!ids.add(resource.id())) {
            throw new IllegalArgumentException("duplicate resource " + resource.id() + ": declare it once");
        }
        resources.add(resource);
        return this;
    }

    /** The resources in insertion order. */
    public List<Resource> resources() {
        return Collections.unmodifiableList(resources);
    }
}
