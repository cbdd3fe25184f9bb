package io.labctl.environments.internal;

/** One row of clouds, as MyBatis maps it. */
public class CloudRow {
    public String name;
    public boolean builtin;
}
