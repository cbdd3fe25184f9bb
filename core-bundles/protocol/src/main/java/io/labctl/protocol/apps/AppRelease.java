package io.labctl.protocol.apps;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * An app in one environment, as {@code labctl apps status} shows it.
 *
 * @param status    deployed, failed (the last revision's run failed or was cancelled), running, or uninstalled
 * @param deployed  the revision in force (the last one that succeeded), null when none is
 * @param last      the last revision, whatever its run's end
 * @param resources the resources the stack held after the deployed revision's run (null when unknown)
 * @param outputs   the stack's outputs after the deployed revision's run, secret ones masked
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AppRelease(String app, String environment, String cloud, String cluster, String status,
                         AppRevision deployed, AppRevision last, Integer resources, Map<String, String> outputs) {
    public static final String DEPLOYED = "deployed";
    public static final String FAILED = "failed";
    public static final String RUNNING = "running";
    public static final String UNINSTALLED = "uninstalled";
}
