package io.labctl.module;

/** STAND-IN: the contract's static healthy() clashes with the record accessor healthy(); the owner resolves it. */
public record Health(boolean healthy, String detail) {
    public static Health unhealthy(String detail) {
        return new Health(false, detail);
    }
}
