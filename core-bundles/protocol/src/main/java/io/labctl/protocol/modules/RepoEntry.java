package io.labctl.protocol.modules;

import java.time.Instant;

/** One bundle, feature or artifact in labd's repository. kind: module, feature or artifact. */
public record RepoEntry(String name, String version, String kind, String sha256, long size, String uploadedBy,
                        Instant uploadedAt, ModuleDescriptor descriptor) {}
