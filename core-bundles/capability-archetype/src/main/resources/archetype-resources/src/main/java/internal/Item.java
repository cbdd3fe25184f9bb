package ${package}.internal;

import java.time.Instant;

/** One ${capability} item as the REST route and the shell command show it. */
public record Item(String name, String value, String updatedBy, Instant updatedAt) {}
