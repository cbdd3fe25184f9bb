package io.labctl.protocol.access;

/** Request to create a user; certificateDays null means labd's default lifetime for user certificates. */
public record UserSpec(String name, Integer certificateDays) {}
