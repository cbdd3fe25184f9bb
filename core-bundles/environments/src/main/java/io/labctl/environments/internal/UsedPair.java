package io.labctl.environments.internal;

/** A (cloud, environment) pair another capability's table uses, and in how many rows. */
public class UsedPair {
    public String cloud;
    public String environment;
    public long uses;
}
