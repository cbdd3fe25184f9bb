package io.labctl.protocol.channel;

import java.util.Map;

/** Opens a stream of a kind (exec, logs, ...) with kind-specific parameters, and an initial credit in bytes. */
public record StreamOpen(String kind, Map<String, Object> params, int credit) {}
