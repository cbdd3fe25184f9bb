package io.labctl.pulumi.engine;

import java.util.Map;

/**
 * What a run that ended without error did.
 *
 * @param changes the change summary, operation to count ({@code create}, {@code update}, {@code delete},
 *                {@code replace}, {@code same}); for a preview, the changes an update would make
 * @param outputs the stack's outputs after the run (empty for a preview or a destroy)
 */
public record EngineOutcome(Map<String, Integer> changes, Map<String, Output> outputs) {
    public EngineOutcome {
        changes = Map.copyOf(changes);
        outputs = Map.copyOf(outputs);
    }

    /** One stack output: its value as JSON text, and whether the engine marks it secret. */
    public record Output(String json, boolean secret) {
        @Override
        public String toString() {
            return secret ? "[secret]" : json;
        }
    }
}
