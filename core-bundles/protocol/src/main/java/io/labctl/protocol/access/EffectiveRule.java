package io.labctl.protocol.access;

/** One rule in force for a user: effect allow or deny, the permission, and the role it comes from. */
public record EffectiveRule(String effect, String permission, String role) {
    public static final String ALLOW = "allow";
    public static final String DENY = "deny";
}
