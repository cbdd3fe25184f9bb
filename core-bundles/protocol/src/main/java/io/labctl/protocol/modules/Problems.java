package io.labctl.protocol.modules;

import io.labctl.protocol.InvalidInput;
import java.util.ArrayList;
import java.util.List;

/** Collects every problem of one input so that a single refusal names them all, not just the first. */
final class Problems {
    private final List<String> problems = new ArrayList<>();

    void add(String problem) {
        problems.add(problem);
    }

    int size() {
        return problems.size();
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    /** Refuses with all problems in one message, preceded by {@code what}, when there is any. */
    void throwIfAny(String code, String what) {
        if (!problems.isEmpty()) {
            throw new InvalidInput(code, null, what + ": " + String.join("; ", problems));
        }
    }
}
