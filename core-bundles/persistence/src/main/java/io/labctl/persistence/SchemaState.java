package io.labctl.persistence;

/**
 * What became of one capability's schema in this labd: which bundle declared it, whether its migrations ran, the
 * version its history reached, and why not when they failed.
 *
 * @param capability the name in the bundle's {@code Labctl-Schema} header
 * @param bundle the declaring bundle's symbolic name
 * @param bundleVersion the declaring bundle's version
 * @param status where its migrations stand
 * @param version the version its migration history reached; empty before the first migration succeeded
 * @param problem on {@link Status#FAILED}: the failing migration, the cause and what to do; empty otherwise
 */
public record SchemaState(String capability, String bundle, String bundleVersion, Status status, String version,
        String problem) {

    /** Where a capability's migrations stand. */
    public enum Status {
        /** Its bundle started and its migrations are running. */
        MIGRATING,
        /** Its migrations ran: its {@link Schema} service is registered. */
        CURRENT,
        /** A migration failed: no {@link Schema} service, so the capability stays inactive. */
        FAILED
    }
}
