package io.labctl.protocol.access;

import java.time.Instant;
import java.util.List;

/** A role as listed: its rules and the users bound to it. builtin roles cannot be deleted. */
public record RoleInfo(String name, String description, List<String> allow, List<String> deny, List<String> users,
                       boolean builtin, Instant createdAt) {}
