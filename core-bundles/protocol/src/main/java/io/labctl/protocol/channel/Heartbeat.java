package io.labctl.protocol.channel;

import io.labctl.protocol.HostFacts;

/** A liveness beat; facts are present only when they changed since the last one. */
public record Heartbeat(long sequence, long uptimeMillis, HostFacts facts) {}
