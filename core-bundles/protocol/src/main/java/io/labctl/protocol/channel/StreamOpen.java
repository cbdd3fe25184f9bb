package io.labctl.protocol.channel;

import java.util.Map;

/** Opens a stream of a kind (exec, logs, ...) with kind-specific parameters, and an initial credit in bytes. */
public record StreamOpen(String kind, Map<String, Object> params, int credit) {
    /**
     * The parameter labd adds when it re-opens a stream that an agent handed over ({@link StreamError#HANDOVER}):
     * the cursor the old handler sent. Set by labd only; the handler checks it as untrusted input.
     */
    public static final String RESUME = "resume";
}
