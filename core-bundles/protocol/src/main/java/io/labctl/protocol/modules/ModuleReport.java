package io.labctl.protocol.modules;

import java.time.Instant;
import java.util.List;

/**
 * One module run on one server, as the agent writes it to the {@code module} stream (one JSON document).
 *
 * @param action    {@code plan}, {@code apply} or {@code remove}
 * @param resources every resource of the run, in the order they were considered
 * @param health    null (not checked, e.g. a plan), {@code healthy} or {@code unhealthy: DETAIL}
 */
public record ModuleReport(String server, String module, String version, String action, String runId,
                           List<ResourceResult> resources, int changed, int failed, int skipped, int unchanged,
                           String health, Instant started, Instant ended) {

    /** A report whose four counts are those of {@code resources}. */
    public static ModuleReport of(String server, String module, String version, String action, String runId,
                                  List<ResourceResult> resources, String health, Instant started, Instant ended) {
        return new ModuleReport(server, module, version, action, runId, List.copyOf(resources),
                count(resources, ResourceResult.CHANGED), count(resources, ResourceResult.FAILED),
                count(resources, ResourceResult.SKIPPED), count(resources, ResourceResult.UNCHANGED),
                health, started, ended);
    }

    private static int count(List<ResourceResult> resources, String status) {
        return (int) resources.stream().filter(r -> status.equals(r.status())).count();
    }
}
