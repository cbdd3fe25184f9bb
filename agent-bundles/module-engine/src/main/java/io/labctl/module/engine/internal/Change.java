package io.labctl.module.engine.internal;

import java.io.IOException;
import java.util.List;

/**
 * A planned change: what the report shows, and the action that makes it.
 *
 * @param diff   a unified-style diff or one-line summaries, one per line; never a secret
 * @param action makes the change
 */
public record Change(String diff, Action action) {
    /** Makes the change on the machine. */
    @FunctionalInterface
    public interface Action {
        void run() throws IOException;
    }

    /** One change out of several parts (summary lines, diffs), each in its line(s), applied in the order given. */
    public static Change of(List<String> diffParts, List<Action> actions) {
        if (diffParts.isEmpty()) {
            return null;
        }
        List<Action> steps = List.copyOf(actions);
        return new Change(String.join("\n", diffParts), () -> {
            for (Action step : steps) {
                step.run();
            }
        });
    }
}
