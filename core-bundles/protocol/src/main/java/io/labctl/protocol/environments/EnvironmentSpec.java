package io.labctl.protocol.environments;

/** What {@code labctl create environment NAME --cloud CLOUD} sends. */
public record EnvironmentSpec(String name, String cloud) {}
