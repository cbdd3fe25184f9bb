package io.labctl.protocol.pulumi;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * One run of the Pulumi engine as labd records it. Outputs marked secret by the engine read {@link #SECRET}: their
 * values are never stored by labd.
 *
 * @param id        the run's id, {@code r-} and 12 hex digits
 * @param kind      plan, apply, destroy or plan-destroy; for an app also install, upgrade, rollback, uninstall
 * @param stack     the stack: the program's project and the environment ({@code PROJECT/ENV})
 * @param program   the program's file name
 * @param digest    the SHA-256 of the program's text (hex)
 * @param status    running, succeeded, failed or cancelled
 * @param changes   operation to count (create, update, delete, replace, same), once the engine has said
 * @param error     why it failed, as the engine or labd said it
 * @param app       the app the run installed, upgraded, rolled back, uninstalled or planned; null for a program's run
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PulumiRun(String id, String kind, String environment, String cloud, String project, String stack,
                        String user, String program, String digest, String status, Instant startedAt,
                        Instant endedAt, Map<String, Integer> changes, Map<String, String> outputs, String error,
                        String cancelledBy, String app) {
    public static final String PATH = io.labctl.protocol.Api.ROOT + "/runs";
    public static final String PLAN = "plan";
    public static final String APPLY = "apply";
    public static final String DESTROY = "destroy";
    /** What a destroy would delete; changes nothing. */
    public static final String PLAN_DESTROY = "plan-destroy";
    public static final String INSTALL = io.labctl.protocol.apps.AppRequest.INSTALL;
    public static final String UPGRADE = io.labctl.protocol.apps.AppRequest.UPGRADE;
    public static final String ROLLBACK = io.labctl.protocol.apps.AppRequest.ROLLBACK;
    public static final String UNINSTALL = io.labctl.protocol.apps.AppRequest.UNINSTALL;
    public static final String RUNNING = "running";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";
    /** What an output marked secret shows. */
    public static final String SECRET = "[secret]";

    /** A plan (of an update or of a destroy): it changed nothing. */
    public boolean planned() {
        return PLAN.equals(kind) || PLAN_DESTROY.equals(kind);
    }

    public boolean ended() {
        return !RUNNING.equals(status);
    }

    /** The run's id checked: {@code r-} and 12 lower-case hex digits. */
    public static boolean validId(String id) {
        return id != null && id.matches("r-[0-9a-f]{12}");
    }

    /** Changes that would alter something (everything but same). */
    public int changed() {
        if (changes == null) {
            return 0;
        }
        return changes.entrySet().stream().filter(e -> !"same".equals(e.getKey())).mapToInt(Map.Entry::getValue)
                .sum();
    }
}
