package io.labctl.module.engine;

import java.util.List;

import io.labctl.protocol.modules.ResourceResult;

/** What a plan or an apply found or did, one result per resource in the order they were considered. */
public record EngineRun(List<ResourceResult> results) {
    public EngineRun {
        results = List.copyOf(results);
    }

    /** Resources changed (by an apply) or to change (in a plan). */
    public int changed() {
        return count(ResourceResult.CHANGED);
    }

    public int failed() {
        return count(ResourceResult.FAILED);
    }

    /** The result of one resource, or null when the run has none of that id. */
    public ResourceResult result(String id) {
        return results.stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
    }

    private int count(String status) {
        return (int) results.stream().filter(r -> status.equals(r.status())).count();
    }
}
