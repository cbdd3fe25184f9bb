package io.labctl.module.engine;

import io.labctl.protocol.modules.ResourceResult;
import java.util.List;

public record EngineRun(List<ResourceResult> results) {
    public int changed() {
        return (int) results.stream().filter(r -> ResourceResult.CHANGED.equals(r.status())).count();
    }

    public int failed() {
        return (int) results.stream().filter(r -> ResourceResult.FAILED.equals(r.status())).count();
    }
}
