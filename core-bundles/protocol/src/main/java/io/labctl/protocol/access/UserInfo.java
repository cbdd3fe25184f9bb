package io.labctl.protocol.access;

import java.time.Instant;
import java.util.List;

/** A labctl user as listed: the roles bound to it. */
public record UserInfo(String name, List<String> roles, Instant createdAt, String createdBy) {}
