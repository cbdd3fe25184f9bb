package io.labctl.protocol.sources;

import io.labctl.protocol.Api;
import java.time.Instant;

/**
 * A module source: where a custom module comes from (URL and ref), the commit its published version was built from,
 * that version, who added it and when, and the last build (its id for {@code labctl logs build/ID}, its state).
 */
public record SourceInfo(String name, String url, String ref, String credential, String commit, String version,
        String addedBy, Instant addedAt, String updatedBy, Instant updatedAt, String lastBuild, String lastState,
        String kind) {
    public static final String PATH = Api.ROOT + "/sources";
}
