package io.labctl.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One part labd needs to serve requests (its database, for one), as {@code GET /api/v1/health} reports it. labd is
 * healthy only while every registered part is up.
 */
@ConsumerType
public interface HealthCheck {
    /** The part's name in the health report, e.g. "database". */
    String part();

    /** Checks the part now, within a few seconds; never throws. The detail is shown to anonymous callers. */
    Status check();

    /** Whether the part is up, and a short sentence for people (no addresses or secrets: health is public). */
    record Status(boolean up, String detail) {
        public static Status ok() {
            return new Status(true, null);
        }

        public static Status unavailable(String detail) {
            return new Status(false, detail);
        }
    }
}
