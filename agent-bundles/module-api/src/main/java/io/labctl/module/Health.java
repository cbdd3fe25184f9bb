package io.labctl.module;

import java.util.Objects;

/**
 * A module's health after an apply. A class rather than a record: a record component {@code healthy} would clash with
 * the factory {@link #healthy()}, so the flag reads {@link #isHealthy()}.
 */
public final class Health {
    private static final Health HEALTHY = new Health(true, null);

    private final boolean healthy;
    private final String detail;

    private Health(boolean healthy, String detail) {
        this.healthy = healthy;
        this.detail = detail;
    }

    public static Health healthy() {
        return HEALTHY;
    }

    /** Unhealthy, saying what is wrong (e.g. {@code node s1 is NotReady}). */
    public static Health unhealthy(String detail) {
        return new Health(false, Objects.requireNonNull(detail, "detail"));
    }

    public boolean isHealthy() {
        return healthy;
    }

    /** What is wrong; null when healthy. */
    public String detail() {
        return detail;
    }

    /** {@code healthy} or {@code unhealthy: DETAIL}, as a module report shows it. */
    @Override
    public String toString() {
        return healthy ? "healthy" : "unhealthy: " + detail;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Health h && h.healthy == healthy && Objects.equals(h.detail, detail);
    }

    @Override
    public int hashCode() {
        return Objects.hash(healthy, detail);
    }
}
