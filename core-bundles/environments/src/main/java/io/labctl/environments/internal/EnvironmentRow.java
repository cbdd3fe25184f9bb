package io.labctl.environments.internal;

import java.time.Instant;

/** One row of environments, as MyBatis maps it. */
public class EnvironmentRow {
    public String name;
    public String cloud;
    public String createdBy;
    public Instant createdAt;
}
