package io.labctl.protocol.apps;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * One revision of an app in one environment: what an install, upgrade, rollback or uninstall asked for and how its
 * run ended. Values of secret inputs read {@link #MASK}.
 *
 * @param kind       install, upgrade, rollback or uninstall
 * @param status     the run's status: running, succeeded, failed or cancelled
 * @param rollbackOf for a rollback, the revision it returned to
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AppRevision(int revision, String kind, String version, String digest, String cluster, String status,
                          String run, String user, Instant at, Integer rollbackOf, Map<String, String> values) {
    public static final String MASK = "******";
}
