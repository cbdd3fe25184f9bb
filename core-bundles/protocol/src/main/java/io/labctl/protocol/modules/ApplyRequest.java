package io.labctl.protocol.modules;

import java.util.Map;

/**
 * An apply (also the body of rollback and remove, which read only selector, batch and maxFailures). version null:
 * the newest in labd's repository. batch: {@code N} servers or {@code P%} of the targets at a time, null for all at
 * once (labd bounds the parallelism). maxFailures null: 0, stop starting servers after the first failure.
 */
public record ApplyRequest(String version, String selector, Map<String, String> inputs, boolean dryRun, String batch,
                           Integer maxFailures, boolean enforce) {}
