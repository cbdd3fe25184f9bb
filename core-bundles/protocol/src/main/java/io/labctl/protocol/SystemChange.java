package io.labctl.protocol;

/**
 * Changes to a running labd's own capabilities ({@code labctl system upgrade|install|uninstall}): what the user asks
 * and what labd answers. One capability (a {@code labd-*} feature) per request.
 */
public final class SystemChange {
    /** The new version runs, the old one is gone. */
    public static final String UPGRADED = "upgraded";
    /** Already what was asked (that version runs; installed; not installed): nothing was done. */
    public static final String UNCHANGED = "unchanged";
    /** The new version was not healthy in time: the previous one was put back and runs. */
    public static final String ROLLED_BACK = "rolled-back";
    public static final String INSTALLED = "installed";
    public static final String UNINSTALLED = "uninstalled";

    /** Where the version came from: labd's bundle repository or the features Karaf already knows. */
    public static final String FROM_REPOSITORY = "repository";
    public static final String FROM_DISTRIBUTION = "distribution";

    private SystemChange() {}

    /**
     * {@code POST /api/v1/system/upgrade} (version required), {@code /install} (version optional: the newest Karaf
     * knows, else the newest in the repository), {@code /uninstall} (version ignored).
     */
    public record Request(String feature, String version) {}

    /**
     * What was done.
     *
     * @param feature the feature's full name ({@code labd-exec})
     * @param from    the version that ran before, null when it was not installed
     * @param to      the version that runs now, null when none does
     * @param result  {@link #UPGRADED}, {@link #UNCHANGED}, {@link #ROLLED_BACK}, {@link #INSTALLED} or
     *                {@link #UNINSTALLED}
     * @param bundle  the capability's bundle that was replaced or installed, null when none was
     * @param sha256  the digest of the jar taken from the repository, null when none was
     * @param source  {@link #FROM_REPOSITORY} or {@link #FROM_DISTRIBUTION}; null for an uninstall
     * @param millis  how long labd took
     * @param message in words, with the reason on a rollback
     */
    public record Result(String feature, String from, String to, String result, String bundle, String sha256,
                         String source, long millis, String message) {
        /** false only for a rollback: what was asked does not run. */
        public boolean done() {
            return !ROLLED_BACK.equals(result);
        }
    }
}
