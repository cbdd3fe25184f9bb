package io.labctl.protocol.apps;

import java.util.Map;

/**
 * What labctl asks of an app in one environment: install, upgrade, rollback or uninstall (the verb is the path's last
 * segment, {@code POST /api/v1/apps/NAME/VERB}).
 *
 * @param environment where the app is (its stack is {@code APP/ENV}); required
 * @param cluster     the registered cluster the app deploys to (install only; later verbs keep the install's)
 * @param version     the app's version: install and upgrade take it (default: the newest in labd's repository)
 * @param values      input values from {@code -f} files: YAML types kept; secret inputs are given here
 * @param sets        input values from {@code --set k=v}: text; labd refuses a secret input given here
 * @param revision    the revision a rollback returns to
 * @param dryRun      an upgrade that only plans: it changes nothing and records no revision
 */
public record AppRequest(String environment, String cluster, String version, Map<String, Object> values,
                         Map<String, String> sets, Integer revision, boolean dryRun) {
    public static final String INSTALL = "install";
    public static final String UPGRADE = "upgrade";
    public static final String ROLLBACK = "rollback";
    public static final String UNINSTALL = "uninstall";
    /** The most input values one request may carry. */
    public static final int MAX_VALUES = 256;

    public AppRequest {
        values = values == null ? Map.of() : values;
        sets = sets == null ? Map.of() : sets;
    }

    @Override
    public String toString() {
        // values may be secrets: names only
        return "AppRequest[" + environment + " " + version + " " + values.keySet() + " " + sets.keySet() + "]";
    }
}
