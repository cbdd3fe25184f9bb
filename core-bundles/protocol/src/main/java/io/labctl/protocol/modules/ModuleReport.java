package io.labctl.protocol.modules;

import java.time.Instant;
import java.util.List;

/** One module run on one server, as the agent reports it. action: plan, apply or remove. */
public record ModuleReport(String server, String module, String version, String action, String runId,
                           List<ResourceResult> resources, int changed, int failed, int skipped, int unchanged,
                           String health, Instant started, Instant ended) {}
