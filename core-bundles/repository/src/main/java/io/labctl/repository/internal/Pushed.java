package io.labctl.repository.internal;

import io.labctl.protocol.modules.RepoEntry;

/** The outcome of a push: the entry as stored, and whether this push stored it (false: the same bytes were there). */
record Pushed(RepoEntry entry, boolean created) {}
