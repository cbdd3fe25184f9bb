package io.labctl.protocol.sources;

import java.time.Instant;

/**
 * One build of a module source: which commit of which URL, its state ({@link #SUCCEEDED}, {@link #FAILED}, or
 * {@link #RUNNING}), the step it failed at and why, what it published (version and SHA-256), and its log
 * (clone, Maven's output, checks), which {@code labctl logs build/ID} prints.
 */
public record BuildInfo(String id, String module, String url, String ref, String commit, String state, String step,
        String detail, String version, String sha256, String startedBy, Instant startedAt, Instant endedAt,
        String log) {
    public static final String RUNNING = "running";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";

    /** Where labd serves a build: {@code PATH/ID}. */
    public static final String PATH = SourceInfo.PATH + "/builds";
}
